//! The survey's automaton: the lists' first words as an anchored trie over
//! ASCII-case-folded bytes, in one dense table.
//!
//! The survey walks it at nearly every word start of every text, a few bytes
//! each time (most words leave the trie after one or two): the walk must cost
//! a table load per byte and nothing else. Each state knows the lists of the
//! literals ending there, so a walk needs no match bookkeeping.

/// The dead state: no literal continues.
const DEAD: u32 = 0;
/// The state before any byte.
const ROOT: u32 = 1;
/// The most cells the table may have (16 MB): the shipped vocabularies take
/// 263,000; a vocabulary needing more is looked up without a survey.
const MAX_CELLS: usize = 1 << 22;

/// Literals as an anchored trie: which lists' literals are prefixes of the
/// bytes at a place.
#[derive(Debug, Clone)]
pub(crate) struct Trie {
    /// Each byte's column in `next` (its ASCII lowercase's); 0 for the bytes
    /// no literal holds.
    classes: [u8; 256],
    /// Columns per state.
    stride: usize,
    /// `state * stride + class` → the next state ([`DEAD`] when none).
    next: Vec<u32>,
    /// Per state: the lists of the literals that end there, those looked
    /// for anywhere and those looked for only after a word boundary.
    ends: Vec<(u64, u64)>,
}

impl Trie {
    /// The trie of `literals`: bytes, whether the literal needs a word
    /// boundary before it, and its lists. `None` when a literal is empty or
    /// the table would be too large.
    pub(crate) fn new<'a>(
        literals: impl IntoIterator<Item = (&'a [u8], bool, u64)>,
    ) -> Option<Trie> {
        let literals: Vec<(Vec<u8>, bool, u64)> = literals
            .into_iter()
            .map(|(bytes, bounded, lists)| (bytes.to_ascii_lowercase(), bounded, lists))
            .collect();
        let mut classes = [0u8; 256];
        let mut count = 1usize;
        for (bytes, _, _) in &literals {
            if bytes.is_empty() {
                return None;
            }
            for &b in bytes {
                if classes[usize::from(b)] == 0 {
                    classes[usize::from(b)] = u8::try_from(count).ok()?;
                    count += 1;
                }
            }
        }
        for upper in b'A'..=b'Z' {
            classes[usize::from(upper)] = classes[usize::from(upper.to_ascii_lowercase())];
        }
        let stride = count;
        // State 0 is dead (all its columns stay dead), state 1 the root.
        let mut next = vec![DEAD; 2 * stride];
        let mut ends = vec![(0, 0); 2];
        for (bytes, bounded, lists) in &literals {
            let mut state = ROOT;
            for &b in bytes {
                let cell = state as usize * stride + usize::from(classes[usize::from(b)]);
                let to = next.get(cell).copied().unwrap_or(DEAD);
                state = if to == DEAD {
                    if next.len() + stride > MAX_CELLS {
                        return None;
                    }
                    let new = u32::try_from(ends.len()).ok()?;
                    next.extend(std::iter::repeat_n(DEAD, stride));
                    ends.push((0, 0));
                    *next.get_mut(cell)? = new;
                    new
                } else {
                    to
                };
            }
            let end = ends.get_mut(state as usize)?;
            if *bounded {
                end.1 |= lists;
            } else {
                end.0 |= lists;
            }
        }
        Some(Trie::breadth_first(Trie {
            classes,
            stride,
            next,
            ends,
        }))
    }

    /// The same trie with its states numbered level by level: the rows of
    /// the first levels, where nearly every walk ends, sit together in a
    /// few kilobytes at the front of the table.
    fn breadth_first(trie: Trie) -> Trie {
        let stride = trie.stride;
        let states = trie.ends.len();
        let mut order = vec![DEAD, ROOT];
        let mut new_of = vec![DEAD; states];
        new_of[ROOT as usize] = ROOT;
        let mut k = 1;
        while let Some(&old) = order.get(k) {
            for class in 0..stride {
                let to = trie.next[old as usize * stride + class];
                if to != DEAD && new_of[to as usize] == DEAD {
                    new_of[to as usize] = order.len() as u32;
                    order.push(to);
                }
            }
            k += 1;
        }
        let next = order
            .iter()
            .flat_map(|&old| {
                let row = &trie.next[old as usize * stride..(old as usize + 1) * stride];
                row.iter().map(|&to| new_of[to as usize])
            })
            .collect();
        let ends = order.iter().map(|&old| trie.ends[old as usize]).collect();
        Trie { next, ends, ..trie }
    }

    /// The lists of the literals that start at `at` in `bytes`; those that
    /// need a word boundary only when `boundary` (there is one at `at`).
    pub(crate) fn lists_at(&self, bytes: &[u8], at: usize, boundary: bool) -> u64 {
        let mask = if boundary { u64::MAX } else { 0 };
        let mut state = ROOT as usize;
        let mut lists = 0;
        for &b in bytes.get(at..).unwrap_or_default() {
            let cell = state * self.stride + usize::from(self.classes[usize::from(b)]);
            state = match self.next.get(cell) {
                Some(&s) if s != DEAD => s as usize,
                _ => break,
            };
            if let Some(&(anywhere, bounded)) = self.ends.get(state) {
                lists |= anywhere | (bounded & mask);
            }
        }
        lists
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_found_as_prefixes_of_the_bytes_at_a_place() {
        let trie = Trie::new([
            (&b"port"[..], true, 0b001),
            (&b"ports"[..], true, 0b010),
            (&b"%"[..], false, 0b100),
            ("é".as_bytes(), true, 0b1000),
        ])
        .unwrap();
        let text = b"PORTS% x port";
        assert_eq!(trie.lists_at(text, 0, true), 0b011);
        assert_eq!(trie.lists_at(text, 0, false), 0);
        assert_eq!(trie.lists_at(text, 5, false), 0b100);
        assert_eq!(trie.lists_at(text, 9, true), 0b001);
        assert_eq!(trie.lists_at(text, 10, true), 0);
        assert_eq!(trie.lists_at(text, 13, true), 0);
        assert_eq!(trie.lists_at(text, 99, true), 0);
        assert_eq!(trie.lists_at("éx".as_bytes(), 0, true), 0b1000);
        // `É` is another literal (a case variant), not an ASCII fold of `é`.
        assert_eq!(trie.lists_at("É".as_bytes(), 0, true), 0);
    }

    #[test]
    fn an_empty_literal_or_a_table_too_large_makes_no_trie() {
        assert!(Trie::new([(&b""[..], true, 1)]).is_none());
        let long = vec![b'a'; MAX_CELLS / 2];
        assert!(Trie::new([(&long[..], true, 1)]).is_none());
        assert!(Trie::new([(&long[..100], true, 1)]).is_some());
    }
}
