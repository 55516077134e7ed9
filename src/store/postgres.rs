//! What Harbor's PostgreSQL columns accept, for the values Harbor writes without checking them
//! first (`make/migrations/postgresql/*.up.sql`). PostgreSQL refuses the rest with an error
//! Harbor does not map to a client error, so the client gets a 500 and the request's transaction
//! rolls back (`src/lib/http/error.go` `apiError`, goharbor/harbor#11338, #13262).
//!
//! Written here rather than borrowed: these are PostgreSQL's input rules as Harbor meets them
//! through pgx, which no Rust crate models.

/// A value PostgreSQL refuses: Harbor answers 500 `UNKNOWN` `internal server error`. The text
/// is PostgreSQL's (or pgx's) message with the column, for logs and the journal only.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DbRefusal {
    /// SQLSTATE 22001.
    #[error("value too long for type character varying({limit}) ({column})")]
    TooLong {
        /// `table.column`.
        column: &'static str,
        /// The column's length in characters.
        limit: usize,
    },
    /// SQLSTATE 22021: NUL is no character of PostgreSQL's UTF-8 text, in any column.
    #[error("invalid byte sequence for encoding \"UTF8\": 0x00 ({column})")]
    Nul {
        /// `table.column`.
        column: &'static str,
    },
    /// SQLSTATE 22021: bytes that are not UTF-8, from a query string or a path.
    #[error("invalid byte sequence for encoding \"UTF8\" ({column})")]
    Encoding {
        /// `table.column`, or the parameter.
        column: &'static str,
    },
    /// pgx cannot encode an int64 argument into an `int4` column or parameter.
    #[error(
        "unable to encode {value} into binary format for int4 (OID 23): {value} is {side} value for int4 ({column})"
    )]
    Int4 {
        /// `table.column`.
        column: &'static str,
        /// The value.
        value: i64,
        /// `greater than maximum` or `less than minimum`.
        side: &'static str,
    },
}

impl DbRefusal {
    /// The database's or driver's own words, without the column.
    pub fn driver_text(&self) -> String {
        let text = self.to_string();
        match text.rfind(" (") {
            Some(cut) => text[..cut].to_string(),
            None => text,
        }
    }
}

/// The value a `varchar(limit)` column stores for `value`: itself when it has at most `limit`
/// characters (code points, not bytes), cut to `limit` when everything past that is U+0020
/// spaces (PostgreSQL drops those silently), else [`DbRefusal::TooLong`]; NUL anywhere is
/// [`DbRefusal::Nul`].
pub fn varchar(column: &'static str, limit: usize, value: &str) -> Result<String, DbRefusal> {
    text(column, value)?;
    match value.char_indices().nth(limit) {
        None => Ok(value.to_string()),
        Some((cut, _)) if value[cut..].bytes().all(|b| b == b' ') => Ok(value[..cut].to_string()),
        Some(_) => Err(DbRefusal::TooLong { column, limit }),
    }
}

/// A `text` column (or a string parameter): any length, no NUL.
pub fn text(column: &'static str, value: &str) -> Result<(), DbRefusal> {
    if value.contains('\0') {
        Err(DbRefusal::Nul { column })
    } else {
        Ok(())
    }
}

/// An int64 from the API bound to an `int4` column or parameter.
pub fn int4(column: &'static str, value: i64) -> Result<i32, DbRefusal> {
    i32::try_from(value).map_err(|_| DbRefusal::Int4 {
        column,
        value,
        side: if value > 0 {
            "greater than maximum"
        } else {
            "less than minimum"
        },
    })
}

/// `robot.name`: `varchar(255)`.
pub const ROBOT_NAME: usize = 255;
/// `robot.description`: `varchar(1024)`.
pub const ROBOT_DESCRIPTION: usize = 1024;
/// `permission_policy.effect`: `varchar(255)`.
pub const POLICY_EFFECT: usize = 255;
/// `project_metadata.value`: `varchar(255)`.
pub const METADATA_VALUE: usize = 255;
/// `harbor_user.email`: `varchar(255)` (only `PUT /users/{id}` can exceed it: `POST /users` has
/// a `maxLength`).
pub const USER_EMAIL: usize = 255;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varchar_counts_characters_and_drops_excess_spaces() {
        let a = |n: usize| "a".repeat(n);
        assert_eq!(varchar("t.c", 4, "abcd"), Ok("abcd".into()));
        assert_eq!(
            varchar("t.c", 4, "éééé"),
            Ok("éééé".into()),
            "8 bytes, 4 chars"
        );
        assert_eq!(
            varchar("t.c", 4, "ééééé"),
            Err(DbRefusal::TooLong {
                column: "t.c",
                limit: 4
            })
        );
        // Checked against PostgreSQL 15 through pgx: only U+0020 is dropped.
        assert_eq!(
            varchar("t.c", 1024, &(a(1020) + &" ".repeat(10))),
            Ok(a(1020) + "    ")
        );
        assert_eq!(varchar("t.c", 1024, &(a(1024) + "   ")), Ok(a(1024)));
        for tail in ["\t", "\u{a0}", " x"] {
            assert!(varchar("t.c", 1024, &(a(1024) + tail)).is_err(), "{tail:?}");
        }
        assert_eq!(
            varchar("t.c", 9, "a\0b"),
            Err(DbRefusal::Nul { column: "t.c" })
        );
    }

    #[test]
    fn int4_bounds() {
        assert_eq!(int4("t.c", 2_147_483_647), Ok(i32::MAX));
        assert_eq!(
            int4("t.c", 2_147_483_648).unwrap_err().to_string(),
            "unable to encode 2147483648 into binary format for int4 (OID 23): 2147483648 is greater than maximum value for int4 (t.c)"
        );
        assert!(int4("t.c", -2_147_483_649).is_err());
    }
}
