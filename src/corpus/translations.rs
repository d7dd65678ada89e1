//! Translations: the `guide.<locale>.md` files of one folder, and the value
//! most of them agree on (the reference others are compared with).

use super::CorpusContext;

/// The folders of the run that hold two or more readable translations, each
/// as the file indexes of its translations in run order.
pub fn groups(ctx: &CorpusContext<'_>) -> Vec<Vec<usize>> {
    let index = ctx.index();
    let translation = |j: usize| ctx.summaries[j].layout.translation && ctx.summaries[j].readable;
    if ctx.is_focused() {
        // The folders of the focused translations, each once, in the order of
        // their first translation (as below).
        let mut out: Vec<Vec<usize>> = Vec::new();
        for j in (0..ctx.summaries.len()).filter(|&j| ctx.focused(j) && translation(j)) {
            let members: Vec<usize> = index
                .folder_of(j)
                .into_iter()
                .filter(|&k| translation(k))
                .collect();
            if members.len() >= 2 && !out.iter().any(|g| g.first() == members.first()) {
                out.push(members);
            }
        }
        out.sort_by_key(|g| g.first().copied());
        return out;
    }
    let mut out = Vec::new();
    for (i, s) in ctx.summaries.iter().enumerate() {
        if !s.layout.translation || !s.readable {
            continue;
        }
        let members: Vec<usize> = index
            .folder_of(i)
            .into_iter()
            .filter(|&j| translation(j))
            .collect();
        // Each folder once: from its first translation; in changed-files
        // mode, only the folders of the changed guides.
        if members.len() >= 2
            && members.first() == Some(&i)
            && members.iter().any(|&j| ctx.focused(j))
        {
            out.push(members);
        }
    }
    out
}

/// The position in `values` of the reference: the value most members hold,
/// the earliest member on a tie.
pub fn reference<T: PartialEq>(values: &[T]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, v) in values.iter().enumerate() {
        let count = values.iter().filter(|w| *w == v).count();
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((i, count));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_majority_wins_and_ties_go_to_the_first() {
        assert_eq!(reference(&["a", "b", "b"]), Some(1));
        assert_eq!(reference(&["a", "b"]), Some(0));
        assert_eq!(reference::<&str>(&[]), None);
    }
}
