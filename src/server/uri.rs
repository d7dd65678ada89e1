//! `file:` URIs and paths.
//!
//! Editors name documents by URI; guidelint reads files by path. Only `file:`
//! URIs are guides on disk; any other scheme (an unsaved `untitled:` buffer)
//! has no path.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The `file:` URI of the absolute path `path`.
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_string_lossy();
    let mut out = String::from("file://");
    #[cfg(windows)]
    let text = {
        let slashed = text.replace('\\', "/");
        if slashed.starts_with('/') {
            slashed
        } else {
            format!("/{slashed}")
        }
    };
    for b in text.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b);
        if keep {
            out.push(char::from(b));
        } else if b == b':' && cfg!(windows) {
            out.push(':');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

/// The path of a `file:` URI; `None` for another scheme or a URI naming a
/// file on another host.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let (scheme, rest) = text.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = rest.strip_prefix("//").map_or(Some(rest), |after| {
        // The authority: empty or `localhost`.
        let end = after.find('/').unwrap_or(after.len());
        let host = &after[..end];
        (host.is_empty() || host.eq_ignore_ascii_case("localhost")).then_some(&after[end..])
    })?;
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    let decoded = percent_decode(path)?;
    #[cfg(windows)]
    let decoded = {
        // `/C:/x` → `C:/x`.
        let bytes = decoded.as_bytes();
        if bytes.len() >= 3 && bytes[0] == b'/' && bytes[2] == b':' {
            decoded[1..].to_string()
        } else {
            decoded
        }
    };
    if decoded.is_empty() {
        return None;
    }
    Some(PathBuf::from(decoded))
}

/// Decodes `%XX` escapes; `None` when the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn paths_round_trip_with_escapes() {
        for p in [
            "/tmp/docs/pages/guide.fr-fr.md",
            "/tmp/a b/é#1%.md",
            "/tmp/[x]/?.md",
        ] {
            let uri = from_path(Path::new(p)).unwrap();
            assert!(uri.as_str().starts_with("file:///tmp/"), "{}", uri.as_str());
            assert_eq!(to_path(&uri).unwrap(), PathBuf::from(p), "{}", uri.as_str());
        }
        let uri = from_path(Path::new("/tmp/a b")).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b");
    }

    #[cfg(unix)]
    #[test]
    fn what_editors_send() {
        let parse = |s: &str| to_path(&Uri::from_str(s).unwrap());
        assert_eq!(
            parse("file:///home/u/x%C3%A9.md"),
            Some(PathBuf::from("/home/u/xé.md"))
        );
        assert_eq!(
            parse("file://localhost/home/u/x.md"),
            Some(PathBuf::from("/home/u/x.md"))
        );
        assert_eq!(parse("untitled:Untitled-1"), None);
        assert_eq!(parse("file://server/share/x.md"), None);
    }
}
