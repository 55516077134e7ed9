//! Harbor's rules for local users (`src/server/v2.0/handler/user.go`,
//! `src/controller/user/controller.go`): the password rule and the profile checks of
//! `POST /users`, with their messages and order (the first failure wins).

use regex::Regex;
use std::sync::LazyLock;

use super::error::ApiError;
use super::secret::is_valid_secret;
use crate::wire::UserCreationReq;

/// Characters Harbor forbids in usernames and real names (`common.IllegalCharsInUsername`).
const ILLEGAL: &[char] = &[',', '"', '~', '#', '%', '$'];

/// Harbor's `requireValidSecret` for a user's password: 8–128 bytes with a lower-case letter,
/// an upper-case letter and a digit.
pub fn check_password(password: &str) -> Result<(), ApiError> {
    if is_valid_secret(password) {
        Ok(())
    } else {
        Err(ApiError::BadRequest(
            "the password or secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number".into(),
        ))
    }
}

/// `POST /users`'s checks after access: the password rule, then `validateUserProfile`.
pub fn validate_new_user(req: &UserCreationReq) -> Result<(), ApiError> {
    let bad = |m: &str| Err(ApiError::BadRequest(m.into()));
    check_password(&req.password)?;
    validate_profile(&req.email, &req.realname, &req.comment)?;
    if req.username.is_empty() || req.username.len() > 255 {
        return bad("username with illegal length");
    }
    if req.username.contains(ILLEGAL) {
        return bad("username contains illegal characters");
    }
    Ok(())
}

/// `validateUserProfile`'s profile checks (`POST /users`, `PUT /users/{id}`), lengths in bytes.
pub fn validate_profile(email: &str, realname: &str, comment: &str) -> Result<(), ApiError> {
    let bad = |m: &str| Err(ApiError::BadRequest(m.into()));
    if email.is_empty() {
        return bad("email can't be empty");
    }
    if !is_valid_email(email) {
        return bad("email with illegal format");
    }
    if realname.is_empty() || realname.len() > 255 {
        return bad("realname with illegal length");
    }
    if realname.contains(ILLEGAL) {
        return bad("realname contains illegal characters");
    }
    if comment.len() > 30 {
        return bad("comment with illegal length");
    }
    Ok(())
}

/// Harbor's email pattern (`src/lib/validation.go`), compiled once. Go's `\s` is ASCII white
/// space only, so it is spelled out: Rust's `\s` would also refuse Unicode spaces Go accepts.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"^(([^<>()\[\]\\.,;:\t\n\f\r @"]+(\.[^<>()\[\]\\.,;:\t\n\f\r @"]+)*)|(".+"))"#,
        r"@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$",
    ))
    .expect("a valid pattern")
});

fn is_valid_email(email: &str) -> bool {
    EMAIL.is_match(email)
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
            // Go's `\s` is ASCII: a no-break space is an ordinary character.
            "a\u{a0}b@c.io",
            "ü@c.io",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "a",
            "a@b",
            "a@b.c",
            "a..b@c.io",
            "a b@c.io",
            "a\tb@c.io",
            "@c.io",
            "a@ü.io",
            "a@b.1o",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
