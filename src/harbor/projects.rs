//! Harbor's rules for projects (`src/server/v2.0/handler/project.go`,
//! `src/controller/project/controller.go`, `src/pkg/project/manager.go`): how a path names a
//! project, what a new project must look like, which projects a caller may list, and how
//! metadata is shown.

use std::collections::BTreeMap;

use super::access::Directory;
use super::auth::Caller;
use super::error::ApiError;
use super::names;

/// A project as a path names it: `{project_name_or_id}` with `X-Is-Resource-Name`
/// (`H/util.go` `parseProjectNameOrID`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectRef {
    /// By id.
    Id(i64),
    /// By name.
    Name(String),
}

impl ProjectRef {
    /// A name when the header says so, else an id when the segment parses as Go's
    /// `strconv.ParseInt` (`007`, `+5` and `-1` are ids), else a name.
    pub fn parse(segment: &str, is_resource_name: bool) -> ProjectRef {
        if is_resource_name {
            return ProjectRef::Name(segment.to_string());
        }
        match segment.parse::<i64>() {
            Ok(id) => ProjectRef::Id(id),
            Err(_) => ProjectRef::Name(segment.to_string()),
        }
    }

    /// The segment as written back in a `Location` (`/api/v2.0/projects/<as addressed>`).
    pub fn text(&self) -> String {
        match self {
            ProjectRef::Id(id) => id.to_string(),
            ProjectRef::Name(name) => name.clone(),
        }
    }
}

/// `^[a-z0-9]+(?:[._-][a-z0-9]+)*$` and 1–255 bytes (`manager.go` `Create`).
pub fn validate_project_name(name: &str) -> Result<(), ApiError> {
    if name.is_empty() || name.len() > 255 {
        return Err(ApiError::BadRequest(format!(
            "Project name {name} is illegal in length. (greater than 255 or less than 1)"
        )));
    }
    if names::is_valid(name) {
        Ok(())
    } else {
        Err(ApiError::BadRequest(
            "project name is not in lower case or contains illegal characters".into(),
        ))
    }
}

/// Metadata keys only proxy-cache projects keep; a plain project drops them on create.
const PROXY_ONLY: &[&str] = &[
    "proxy_speed_kb",
    "max_upstream_conn",
    "proxy_cache_filter_pattern",
    "proxy_cache_filter_kind",
];

/// The metadata `POST /projects` stores (`CreateProject`): `public` from the metadata, else the
/// top-level `public`, else `false`, and it must be `true` or `false`; proxy-only keys dropped;
/// a `retention_id` refused.
pub fn metadata_for_create(
    metadata: Option<BTreeMap<String, String>>,
    public: Option<bool>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut metadata = metadata.unwrap_or_default();
    let public = match metadata.get("public").filter(|v| !v.is_empty()) {
        Some(v) => v.clone(),
        None => public.unwrap_or(false).to_string(),
    };
    if public != "true" && public != "false" {
        return Err(ApiError::BadRequest(format!(
            "metadata.public should only be 'true' or 'false', but got: '{public}'"
        )));
    }
    metadata.insert("public".into(), public);
    for key in PROXY_ONLY {
        metadata.remove(*key);
    }
    if metadata.get("retention_id").is_some_and(|v| !v.is_empty()) {
        return Err(ApiError::BadRequest(
            "bad request: the retention_id in the request's payload when creating a project should be omitted, alternatively passing an empty string".into(),
        ));
    }
    Ok(metadata)
}

/// The metadata a `PUT /projects/{id}` upserts (`UpdateProject`): every key given except an
/// empty `public`; no value is checked; a `retention_id` other than the stored one refused.
pub fn metadata_for_update(
    metadata: Option<BTreeMap<String, String>>,
    stored: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut metadata = metadata.unwrap_or_default();
    if metadata.get("public").is_some_and(String::is_empty) {
        metadata.remove("public");
    }
    if let Some(retention) = metadata.get("retention_id")
        && stored.get("retention_id") != Some(retention)
    {
        return Err(ApiError::BadRequest(
            "the retention_id in the request's payload when updating a project should be omitted, alternatively passing the one that has already been associated to this project".into(),
        ));
    }
    Ok(metadata)
}

/// Metadata as `GET /projects` shows it: `severity` normalised to lower-case CVSS v3, the
/// proxy-cache filter keys hidden on plain projects.
pub fn shown_metadata(stored: &BTreeMap<String, String>, proxy: bool) -> BTreeMap<&str, &str> {
    stored
        .iter()
        .filter(|(key, _)| {
            proxy
                || !matches!(
                    key.as_str(),
                    "proxy_cache_filter_pattern" | "proxy_cache_filter_kind"
                )
        })
        .map(|(key, value)| {
            let value = if key == "severity" {
                severity(value)
            } else {
                value.as_str()
            };
            (key.as_str(), value)
        })
        .collect()
}

/// Harbor's `vuln.ParseSeverityVersion3`: `negligible` is `none`; unknown words `unknown`.
fn severity(value: &str) -> &'static str {
    match value.to_ascii_lowercase().as_str() {
        "none" | "negligible" => "none",
        "low" => "low",
        "medium" => "medium",
        "high" => "high",
        "critical" => "critical",
        _ => "unknown",
    }
}

/// Which projects a `GET /projects` caller sees (the handler's `ListProjects`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Every project: sysadmins and callers with system `project:list`, robots with `*`.
    All,
    /// Public projects only (anonymous callers).
    Public,
    /// The projects a user is a member of, and public ones when `with_public`.
    Member {
        /// The user.
        user_id: i64,
        /// Public projects too.
        with_public: bool,
    },
    /// The projects a robot's permissions name, and public ones when `with_public`; no names
    /// means no filter at all (Harbor's `FilterByNames`).
    Named {
        /// Namespaces of the robot's permissions.
        names: Vec<String>,
        /// Public projects too.
        with_public: bool,
    },
}

impl Visibility {
    /// What `caller` may list; `public` is the `public` filter once the parameter and `q` are
    /// merged, if any (as `lib.ToBool` reads it). Anonymous callers asking for `public=false`
    /// get an empty list before this is asked (the handler checks the parameter alone).
    pub fn of(caller: &Caller, dir: &impl Directory, public: Option<bool>) -> Visibility {
        let with_public = public != Some(false);
        match caller {
            Caller::Anonymous => Visibility::Public,
            _ if caller.can_system("project", "list").unwrap_or(false) => Visibility::All,
            Caller::User { id, .. } => Visibility::Member {
                user_id: *id,
                with_public,
            },
            Caller::Robot { policies, .. } => {
                let permissions = dir.permissions(policies);
                if permissions
                    .iter()
                    .any(|p| p.kind == "project" && p.namespace == "*")
                {
                    Visibility::All
                } else {
                    Visibility::Named {
                        names: permissions
                            .iter()
                            .map(|p| p.namespace.to_string())
                            .collect(),
                        with_public,
                    }
                }
            }
        }
    }
}

/// The filters of a `GET /projects` besides `q`: who may see what, `public` and `owner`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListFilter {
    /// What the caller may see.
    pub visibility: Visibility,
    /// `public=`: the stored `public` metadata must be exactly `true` (or `false`).
    pub public: Option<bool>,
    /// `owner=`: the owner's username.
    pub owner: Option<String>,
}

/// Harbor's `isTrue` for the `public` filter: `true` or `1`, any case.
pub fn is_true(value: &str) -> bool {
    value.eq_ignore_ascii_case("true") || value == "1"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_ids_unless_named() {
        assert_eq!(ProjectRef::parse("007", false), ProjectRef::Id(7));
        assert_eq!(ProjectRef::parse("+5", false), ProjectRef::Id(5));
        assert_eq!(ProjectRef::parse("-1", false), ProjectRef::Id(-1));
        assert_eq!(
            ProjectRef::parse("123", true),
            ProjectRef::Name("123".into())
        );
        assert_eq!(
            ProjectRef::parse("library", false),
            ProjectRef::Name("library".into())
        );
    }

    #[test]
    fn project_names() {
        for ok in ["library", "a", "team-1.x_y", "123"] {
            assert!(validate_project_name(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            validate_project_name(""),
            Err(ApiError::BadRequest(
                "Project name  is illegal in length. (greater than 255 or less than 1)".into()
            ))
        );
        for bad in ["Lib", "a b", "-a", "a--b", "a+b"] {
            assert_eq!(
                validate_project_name(bad),
                Err(ApiError::BadRequest(
                    "project name is not in lower case or contains illegal characters".into()
                )),
                "{bad}"
            );
        }
    }

    #[test]
    fn create_metadata_rules() {
        let meta = |pairs: &[(&str, &str)]| {
            Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<BTreeMap<_, _>>(),
            )
        };
        let stored = metadata_for_create(meta(&[("auto_scan", "true")]), Some(true)).unwrap();
        assert_eq!(stored["public"], "true");
        assert_eq!(metadata_for_create(None, None).unwrap()["public"], "false");
        assert_eq!(
            metadata_for_create(meta(&[("public", "yes")]), None),
            Err(ApiError::BadRequest(
                "metadata.public should only be 'true' or 'false', but got: 'yes'".into()
            ))
        );
        let dropped = metadata_for_create(meta(&[("proxy_speed_kb", "5")]), None).unwrap();
        assert!(!dropped.contains_key("proxy_speed_kb"));
        assert!(metadata_for_create(meta(&[("retention_id", "3")]), None).is_err());
    }

    #[test]
    fn severity_is_normalised() {
        let stored: BTreeMap<String, String> = [("severity", "Negligible"), ("public", "true")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let shown = shown_metadata(&stored, false);
        assert_eq!(shown["severity"], "none");
        assert_eq!(shown["public"], "true");
    }
}
