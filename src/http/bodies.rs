//! How each request body model is read (what go-swagger generates for it): its field names
//! and Go types, the body parameter's name in 422 messages, and the read-only fields that are
//! type-checked and dropped.

use super::gojson::{Fields, GoBody};
use crate::wire::{Access, RobotCreate, RobotPermissionReq, RobotReq, RobotSecReq};

impl GoBody for RobotCreate {
    const PARAM: &'static str = "robot";
    const GO_TYPE: &'static str = "RobotCreate";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        // Type-checked like every other field, then ignored.
        f.string("secret")?;
        f.boolean("disable")?;
        Ok(RobotCreate {
            name: f.string("name")?,
            description: f.string("description")?,
            level: f.string("level")?,
            duration: f.int("duration")?.unwrap_or(0),
            permissions: permissions(f)?,
        })
    }
}

impl GoBody for RobotReq {
    const PARAM: &'static str = "robot";
    const GO_TYPE: &'static str = "Robot";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        f.int("id")?;
        f.string("secret")?;
        f.boolean("editable")?;
        f.int("expires_at")?;
        f.string("creator_type")?;
        f.int("creator_ref")?;
        f.date_time("creation_time")?;
        f.date_time("update_time")?;
        Ok(RobotReq {
            name: f.string("name")?,
            description: f.string("description")?,
            level: f.string("level")?,
            disable: f.boolean("disable")?,
            duration: f.int("duration")?,
            permissions: permissions(f)?,
        })
    }
}

impl GoBody for RobotSecReq {
    const PARAM: &'static str = "robotSec";
    const GO_TYPE: &'static str = "RobotSec";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        Ok(RobotSecReq {
            secret: f.string("secret")?,
        })
    }
}

fn permissions(f: &Fields<'_>) -> Result<Option<Vec<Option<RobotPermissionReq>>>, String> {
    f.array("permissions", "[]*models.RobotPermission", |item| {
        let p = item.object("models.RobotPermission")?;
        Ok(RobotPermissionReq {
            kind: p.string("kind")?,
            namespace: p.string("namespace")?,
            access: p.array("access", "[]*models.Access", |a| {
                let a = a.object("models.Access")?;
                Ok(Access {
                    action: a.string("action")?.into(),
                    effect: a.string("effect")?.into(),
                    resource: a.string("resource")?.into(),
                })
            })?,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::gojson::decode;

    fn create(body: &str) -> Result<Option<RobotCreate>, String> {
        decode::<RobotCreate>(body.as_bytes())
    }

    #[test]
    fn keys_match_case_insensitively_and_last_duplicate_wins() {
        let r = create(r#"{"NAME":"a","Duration":5,"name":"b","level":"x","level":"system"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.name, "b", "the last key in any case wins");
        assert_eq!(r.duration, 5);
        assert_eq!(r.level, "system", "last duplicate wins");
    }

    #[test]
    fn unknown_keys_nulls_and_trailing_data_are_ignored() {
        let r = create(r#"{"name":"a","foo":[1],"description":null} trailing garbage"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.name, "a");
        assert_eq!(r.description, "");
        assert_eq!(create("null").unwrap(), Some(RobotCreate::default()));
    }

    #[test]
    fn missing_body_is_none() {
        assert_eq!(create("").unwrap(), None);
        assert_eq!(create("  \n ").unwrap(), None);
    }

    #[test]
    fn type_errors_use_go_wording() {
        let cases = [
            (
                r#"{"duration":"30"}"#,
                "json: cannot unmarshal string into Go struct field RobotCreate.duration of type int64",
            ),
            (
                r#"{"duration":30.5}"#,
                "json: cannot unmarshal number 30.5 into Go struct field RobotCreate.duration of type int64",
            ),
            (
                r#"{"disable":"true"}"#,
                "json: cannot unmarshal string into Go struct field RobotCreate.disable of type bool",
            ),
            (
                r#"{"permissions":[{"access":[{"resource":1}]}]}"#,
                "json: cannot unmarshal number 1 into Go struct field RobotCreate.permissions.access.resource of type string",
            ),
            (
                r#"[]"#,
                "json: cannot unmarshal array into Go value of type models.RobotCreate",
            ),
            (r#"{"name":"a""#, "unexpected EOF"),
        ];
        for (body, message) in cases {
            assert_eq!(create(body).unwrap_err(), message, "{body}");
        }
    }

    #[test]
    fn null_permission_entries_are_kept_as_none() {
        let r = create(r#"{"permissions":[null,{"kind":"project","access":[null]}]}"#)
            .unwrap()
            .unwrap();
        let perms = r.permissions.unwrap();
        assert_eq!(perms[0], None);
        assert_eq!(perms[1].as_ref().unwrap().access, Some(vec![None]));
    }

    #[test]
    fn put_checks_date_times() {
        let err = decode::<RobotReq>(br#"{"creation_time":"yesterday"}"#).unwrap_err();
        assert!(err.starts_with("parsing time \"yesterday\""), "{err}");
    }
}
