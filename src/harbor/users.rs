//! Harbor's rules for local users (`src/server/v2.0/handler/user.go`,
//! `src/controller/user/controller.go`): the password rule and the profile checks of
//! `POST /users`, with their messages and order (the first failure wins).

use super::error::ApiError;
use super::secret::is_valid_secret;
use crate::wire::UserCreationReq;

/// Characters Harbor forbids in usernames and real names (`common.IllegalCharsInUsername`).
const ILLEGAL: &[char] = &[',', '"', '~', '#', '%', '$'];

/// `POST /users`'s checks after access: the password rule, then `validateUserProfile`.
pub fn validate_new_user(req: &UserCreationReq) -> Result<(), ApiError> {
    let bad = |m: &str| Err(ApiError::BadRequest(m.into()));
    if !is_valid_secret(&req.password) {
        return bad(
            "the password or secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number",
        );
    }
    if req.email.is_empty() {
        return bad("email can't be empty");
    }
    if !is_valid_email(&req.email) {
        return bad("email with illegal format");
    }
    if req.realname.is_empty() || req.realname.len() > 255 {
        return bad("realname with illegal length");
    }
    if req.realname.contains(ILLEGAL) {
        return bad("realname contains illegal characters");
    }
    if req.comment.len() > 30 {
        return bad("comment with illegal length");
    }
    if req.username.is_empty() || req.username.len() > 255 {
        return bad("username with illegal length");
    }
    if req.username.contains(ILLEGAL) {
        return bad("username contains illegal characters");
    }
    Ok(())
}

/// Harbor's email pattern (`src/lib/validation.go`), written out: a local part of characters
/// other than `<>()[]\.,;:@"` and white space, dot-separated, or a quoted string; `@`; then an
/// IPv4 literal in brackets or dot-separated labels of `[a-zA-Z-0-9]` ending in a top-level
/// label of two or more letters.
fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let local_ok = if local.len() > 2 && local.starts_with('"') && local.ends_with('"') {
        true
    } else {
        let special = |c: char| "<>()[]\\.,;:@\"".contains(c) || c.is_whitespace();
        !local.is_empty()
            && local
                .split('.')
                .all(|part| !part.is_empty() && !part.contains(special))
    };
    let domain_ok = if let Some(ip) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        let parts: Vec<&str> = ip.split('.').collect();
        parts.len() == 4
            && parts
                .iter()
                .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
    } else {
        let labels: Vec<&str> = domain.split('.').collect();
        labels.len() >= 2
            && labels[..labels.len() - 1]
                .iter()
                .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
    };
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(username: &str, email: &str, realname: &str, password: &str) -> UserCreationReq {
        UserCreationReq {
            username: username.into(),
            email: email.into(),
            realname: realname.into(),
            comment: String::new(),
            password: password.into(),
        }
    }

    #[test]
    fn profile_checks_in_order() {
        let cases = [
            (
                req("zoe", "z@e.io", "Zoe", "short"),
                "the password or secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number",
            ),
            (req("zoe", "", "Zoe", "Zoe12345"), "email can't be empty"),
            (
                req("zoe", "not-an-email", "Zoe", "Zoe12345"),
                "email with illegal format",
            ),
            (
                req("zoe", "z@e.io", "", "Zoe12345"),
                "realname with illegal length",
            ),
            (
                req("zoe", "z@e.io", "Zo#e", "Zoe12345"),
                "realname contains illegal characters",
            ),
            (
                req("", "z@e.io", "Zoe", "Zoe12345"),
                "username with illegal length",
            ),
            (
                req("zo$e", "z@e.io", "Zoe", "Zoe12345"),
                "username contains illegal characters",
            ),
        ];
        for (r, message) in cases {
            assert_eq!(
                validate_new_user(&r),
                Err(ApiError::BadRequest(message.into())),
                "{message}"
            );
        }
        assert!(validate_new_user(&req("Zoe.Q", "zoe@example.com", "Zoe Q", "Zoe12345")).is_ok());
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.io",
            "a.b@c-d.example.com",
            "\"a b\"@c.io",
            "x@[1.2.3.4]",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "a",
            "a@b",
            "a@b.c",
            "a..b@c.io",
            "a b@c.io",
            "@c.io",
            "a@b.1o",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
