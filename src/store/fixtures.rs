//! The fixtures file format, which is also the format of a state dump.
//!
//! ```json
//! {
//!   "users":    [{"id": 1, "username": "admin", "password": "Harbor12345", "sysadmin": true}],
//!   "projects": [{"id": 1, "name": "library"}],
//!   "members":  [{"project": "library", "user": "dev", "role": "developer"}],
//!   "robots":   [{"name": "library+ci", "project_id": 1, "duration": 30, "secret": "Ci-Secret-1",
//!                 "permissions": [{"kind": "project", "namespace": "library",
//!                                  "access": [{"resource": "repository", "action": "pull"}]}]}]
//! }
//! ```
//! Passwords and robot secrets may be given in clear (hashed on load) or as a `*_hash` + `salt`
//! pair; a dump only ever holds the hashes. Projects may name their `owner` and be `public`
//! (a dump writes `owner_id` and the `public` metadata); `configurations` holds the items that
//! differ from Harbor's defaults; the `next_*_id`s carry Harbor's sequences across a dump.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::path::Path;

use crate::harbor::rbac::Permission;

/// A whole state: what a fixtures file holds and what `GET /_mock/state` returns. A file the
/// server starts from is not parsed into one of these but [`stream`]ed into the store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// Users; passwords in clear or hashed.
    #[serde(default)]
    pub users: Vec<UserFixture>,
    /// Projects.
    #[serde(default)]
    pub projects: Vec<ProjectFixture>,
    /// Project memberships.
    #[serde(default)]
    pub members: Vec<MemberFixture>,
    /// Robots.
    #[serde(default)]
    pub robots: Vec<RobotFixture>,
    /// Configuration items that differ from Harbor's defaults, e.g.
    /// `{"robot_name_prefix": "bot$"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub configurations: BTreeMap<String, serde_json::Value>,
    /// The next robot id to hand out; defaults to one past the highest id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_robot_id: Option<i64>,
    /// The next project id; defaults to one past the highest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_project_id: Option<i64>,
    /// The next user id; defaults to one past the highest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_user_id: Option<i64>,
    /// The next member id; defaults to one past the highest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_member_id: Option<i64>,
}

/// A Harbor user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserFixture {
    /// Defaults to one past the highest id so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The login name.
    pub username: String,
    /// Unique when not empty; users may log in with it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// The full name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub realname: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// The password in clear, hashed on load (never dumped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Or its salted SHA-256, 64 hex digits, with `salt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    /// The salt of `password_hash` (or of `password`, to fix it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// Whether the user has the admin flag.
    #[serde(default)]
    pub sysadmin: bool,
    /// RFC 3339; defaults to the clock's time at load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<String>,
    /// RFC 3339; defaults to `creation_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
}

/// A Harbor project.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFixture {
    /// Defaults to one past the highest id so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The unique name.
    pub name: String,
    /// Shorthand for the `public` metadata; a project is private unless one says otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    /// Metadata, all strings (`{"public": "true", "auto_scan": "false"}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// The owner's username; defaults to the first sysadmin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Or the owner's user id (what a dump writes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<i64>,
    /// RFC 3339; defaults to the clock's time at load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<String>,
    /// RFC 3339; defaults to `creation_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
}

/// A project membership: project and user by name, role by Harbor name or id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberFixture {
    /// The member id; defaults to the next of the sequence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The project's name.
    pub project: String,
    /// The user's name.
    pub user: String,
    /// The role.
    pub role: RoleSpec,
}

/// `"projectAdmin"`, `"developer"`, … or the numeric role id (1–5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RoleSpec {
    /// A role id.
    Id(i64),
    /// A role name, any case.
    Name(String),
}

/// A stored robot. `name` is the stored name (no prefix; project robots `<project>+<name>`).
/// Compact strings: most values fit inline, so parsing a million robots allocates far less, and
/// the strings move into the store as they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RobotFixture {
    /// Defaults to one past the highest id so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The stored name.
    pub name: CompactString,
    /// 0 (the default) for a system robot.
    #[serde(default)]
    pub project_id: i64,
    /// Free text.
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub description: CompactString,
    /// Days, -1 (the default) for never.
    #[serde(default = "never")]
    pub duration: i64,
    /// Unix seconds; computed from `duration` and `creation_time` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Whether it may not log in.
    #[serde(default)]
    pub disable: bool,
    /// Listed by `GET /robots` (the default).
    #[serde(default = "yes")]
    pub visible: bool,
    /// `false` makes a pre-2.2 legacy robot without a secret.
    #[serde(default = "yes")]
    pub editable: bool,
    /// `local` or `robot`.
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub creator_type: CompactString,
    /// Id of the creating user or robot.
    #[serde(default)]
    pub creator_ref: i64,
    /// RFC 3339; defaults to the clock's time at load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<CompactString>,
    /// RFC 3339; defaults to `creation_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<CompactString>,
    /// Plaintext secret for test convenience; hashed on load, never dumped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<CompactString>,
    /// Or its salted SHA-256, 64 hex digits, with `salt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<CompactString>,
    /// The salt of `secret_hash` (or of `secret`, to fix it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<CompactString>,
    /// Its permissions, as the robot API takes them.
    #[serde(default)]
    pub permissions: Vec<Permission>,
}

/// Where [`stream`] hands a fixtures file as it parses it: users, projects and members once
/// they are known, then each robot as soon as it is read.
pub trait Sink {
    /// Users, projects and members, once all three are known.
    fn sections(
        &mut self,
        users: &[UserFixture],
        projects: &[ProjectFixture],
        members: &[MemberFixture],
    ) -> Result<(), InvalidEntry>;

    /// Robot `index` of the file, or why it does not parse.
    fn robot(
        &mut self,
        index: usize,
        robot: Result<RobotFixture, String>,
    ) -> Result<(), InvalidEntry>;
}

/// What [`stream`] does not hand to the sink.
#[derive(Debug, Default)]
pub struct Streamed {
    /// Users; passwords in clear or hashed.
    pub users: Vec<UserFixture>,
    /// The sections that only matter once everything else is in.
    pub rest: Rest,
}

/// The sections applied last: configuration and sequences.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rest {
    /// `configurations`.
    pub configurations: BTreeMap<String, serde_json::Value>,
    /// `next_robot_id`.
    pub next_robot_id: Option<i64>,
    /// `next_project_id`.
    pub next_project_id: Option<i64>,
    /// `next_user_id`.
    pub next_user_id: Option<i64>,
    /// `next_member_id`.
    pub next_member_id: Option<i64>,
}

impl Fixtures {
    /// The sections applied last, taken out.
    pub fn rest(&mut self) -> Rest {
        Rest {
            configurations: std::mem::take(&mut self.configurations),
            next_robot_id: self.next_robot_id,
            next_project_id: self.next_project_id,
            next_user_id: self.next_user_id,
            next_member_id: self.next_member_id,
        }
    }
}

/// Parses the fixtures file `path`, whose content is `text`, into `sink` in one pass: when the
/// users, projects and members come before the robots, as they do in every dump, each robot is
/// handed over as it is read, and a million of them are never held parsed at once. Otherwise
/// the robots are kept as JSON text until the end and parsed one at a time then. Errors say
/// where in the file.
pub fn stream(text: &str, path: &str, sink: &mut impl Sink) -> Result<Streamed, FixturesError> {
    let mut feed = Feed { sink, failed: None };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = serde::de::DeserializeSeed::deserialize(FileSeed(&mut feed), &mut de)
        .and_then(|streamed| de.end().map(|()| streamed));
    match (parsed, feed.failed) {
        (_, Some(entry)) => Err(locate(&entry, text, path)),
        (Ok(streamed), None) => Ok(streamed),
        (Err(e), None) => Err(syntax_error(&e, path)),
    }
}

/// The top-level keys, with serde's message for an unknown one.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Section {
    Users,
    Projects,
    Members,
    Robots,
    Configurations,
    NextRobotId,
    NextProjectId,
    NextUserId,
    NextMemberId,
}

/// The sink, and its refusal once it refuses one.
struct Feed<'s, S> {
    sink: &'s mut S,
    failed: Option<InvalidEntry>,
}

impl<S: Sink> Feed<'_, S> {
    /// Hands something to the sink. A refusal is kept for [`stream`] to report with its place in
    /// the file; the parse is stopped with an error that only says so.
    fn give<E: serde::de::Error>(
        &mut self,
        hand: impl FnOnce(&mut S) -> Result<(), InvalidEntry>,
    ) -> Result<(), E> {
        hand(self.sink).map_err(|entry| {
            self.failed = Some(entry);
            E::custom("invalid entry")
        })
    }
}

/// The whole file.
struct FileSeed<'f, 's, S>(&'f mut Feed<'s, S>);

impl<'de, S: Sink> serde::de::DeserializeSeed<'de> for FileSeed<'_, '_, S> {
    type Value = Streamed;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Streamed, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de, S: Sink> serde::de::Visitor<'de> for FileSeed<'_, '_, S> {
    type Value = Streamed;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("struct Fixtures")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Streamed, A::Error> {
        use serde::de::Error;
        let feed = self.0;
        let (mut users, mut projects, mut members) = (None, None, None);
        let mut deferred: Option<Vec<&'de RawValue>> = None;
        let mut streamed = false;
        let mut rest = Rest::default();
        while let Some(section) = map.next_key::<Section>()? {
            match section {
                Section::Users if users.is_some() => {
                    return Err(A::Error::duplicate_field("users"));
                }
                Section::Users => users = Some(map.next_value::<Vec<UserFixture>>()?),
                Section::Projects if projects.is_some() => {
                    return Err(A::Error::duplicate_field("projects"));
                }
                Section::Projects => projects = Some(map.next_value::<Vec<ProjectFixture>>()?),
                Section::Members if members.is_some() => {
                    return Err(A::Error::duplicate_field("members"));
                }
                Section::Members => members = Some(map.next_value::<Vec<MemberFixture>>()?),
                Section::Robots if streamed || deferred.is_some() => {
                    return Err(A::Error::duplicate_field("robots"));
                }
                Section::Robots => match (&users, &projects, &members) {
                    (Some(u), Some(p), Some(m)) => {
                        feed.give(|sink| sink.sections(u, p, m))?;
                        map.next_value_seed(RobotsSeed(&mut *feed))?;
                        streamed = true;
                    }
                    _ => deferred = Some(map.next_value()?),
                },
                Section::Configurations => rest.configurations = map.next_value()?,
                Section::NextRobotId => rest.next_robot_id = map.next_value()?,
                Section::NextProjectId => rest.next_project_id = map.next_value()?,
                Section::NextUserId => rest.next_user_id = map.next_value()?,
                Section::NextMemberId => rest.next_member_id = map.next_value()?,
            }
        }
        let users = users.unwrap_or_default();
        if !streamed {
            let projects = projects.unwrap_or_default();
            let members = members.unwrap_or_default();
            feed.give(|sink| sink.sections(&users, &projects, &members))?;
            for (index, raw) in deferred.unwrap_or_default().into_iter().enumerate() {
                let robot = serde_json::from_str(raw.get()).map_err(|e| without_position(&e));
                feed.give(|sink| sink.robot(index, robot))?;
            }
        }
        Ok(Streamed { users, rest })
    }
}

/// The robots array, each element handed to the sink as soon as it is parsed.
struct RobotsSeed<'f, 's, S>(&'f mut Feed<'s, S>);

impl<'de, S: Sink> serde::de::DeserializeSeed<'de> for RobotsSeed<'_, '_, S> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de, S: Sink> serde::de::Visitor<'de> for RobotsSeed<'_, '_, S> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(robot) = seq.next_element::<RobotFixture>()? {
            self.0.give(|sink| sink.robot(index, Ok(robot)))?;
            index += 1;
        }
        Ok(())
    }
}

fn never() -> i64 {
    -1
}

fn yes() -> bool {
    true
}

/// Why a fixtures file could not be used.
#[derive(Debug, thiserror::Error)]
// The variants' fields are what their messages print.
#[allow(missing_docs)]
pub enum FixturesError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// It is not JSON of the fixtures format.
    #[error("{path}: line {line}, column {column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// An entry does not make sense (a duplicate name, an unknown project, …).
    #[error("{path}: line {line}: {what}: {message}")]
    Invalid {
        path: String,
        line: usize,
        what: String,
        message: String,
    },
}

/// A semantic problem found while building the state, located by section and index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{section}[{index}]: {message}")]
pub struct InvalidEntry {
    /// `users`, `projects`, `members`, `robots` or `next_robot_id`.
    pub section: &'static str,
    /// The entry's index in its section.
    pub index: usize,
    /// What is wrong.
    pub message: String,
}

/// The default fixtures (`fixtures/default.json`), built in: what the server serves when no
/// fixtures file is given.
pub const DEFAULT_FIXTURES: &str = include_str!("../../fixtures/default.json");

/// [`DEFAULT_FIXTURES`], parsed.
pub fn default_fixtures() -> Fixtures {
    serde_json::from_str(DEFAULT_FIXTURES).expect("the built-in default fixtures are valid")
}

impl Fixtures {
    /// Parses fixtures JSON; errors carry serde's line and column.
    pub fn parse(text: &str, path: &str) -> Result<Fixtures, FixturesError> {
        serde_json::from_str(text).map_err(|e| syntax_error(&e, path))
    }
}

fn syntax_error(e: &serde_json::Error, path: &str) -> FixturesError {
    FixturesError::Syntax {
        path: path.to_string(),
        line: e.line(),
        column: e.column(),
        message: without_position(e),
    }
}

/// serde's message without the " at line X column Y" it appends: the caller says where.
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    }
}

/// Reads a fixtures (or state) file.
pub fn read(path: &Path) -> Result<String, FixturesError> {
    std::fs::read_to_string(path).map_err(|source| FixturesError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// Turns an [`InvalidEntry`] into an error naming the file and the line of that entry.
pub fn locate(entry: &InvalidEntry, text: &str, path: &str) -> FixturesError {
    FixturesError::Invalid {
        path: path.to_string(),
        line: line_of_entry(text, entry.section, entry.index).unwrap_or(1),
        what: format!("{}[{}]", entry.section, entry.index),
        message: entry.message.clone(),
    }
}

/// Finds the line on which element `index` of the top-level array `section` starts.
/// A small scanner over the already-validated JSON text: it tracks strings and depth only.
fn line_of_entry(text: &str, section: &str, index: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let key = format!("\"{section}\"");
    let mut depth = 0usize;
    let mut i = 0usize;
    let mut in_section = false;
    let mut element = 0usize;
    let mut expecting_element = false;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if !in_section && depth == 1 && text.get(start..=i) == Some(key.as_str()) {
                    in_section = true;
                }
                if in_section && depth == 2 && expecting_element {
                    if element == index {
                        return Some(line_at(bytes, start));
                    }
                    expecting_element = false;
                }
            }
            b'{' | b'[' => {
                if in_section && depth == 1 && b == b'[' {
                    expecting_element = true;
                } else if in_section && depth == 2 && expecting_element {
                    if element == index {
                        return Some(line_at(bytes, i));
                    }
                    expecting_element = false;
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if in_section && depth == 1 {
                    return None;
                }
            }
            b',' if in_section && depth == 2 => {
                element += 1;
                expecting_element = true;
            }
            c if in_section && depth == 2 && expecting_element && !c.is_ascii_whitespace() => {
                if element == index {
                    return Some(line_at(bytes, i));
                }
                expecting_element = false;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let err = Fixtures::parse("{\n  \"users\": [\n    {\"username\": 3}\n  ]\n}", "f.json")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("f.json: line 3, column"), "{err}");
        assert!(err.contains("invalid type"), "{err}");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = Fixtures::parse(r#"{"robots": [], "robtos": []}"#, "f.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `robtos`"), "{err}");
    }

    #[test]
    fn entries_are_located_by_line() {
        let text = "{\n \"projects\": [\n  {\"name\": \"a\"},\n  {\"name\": \"b\"}\n ],\n \"robots\": [\n  {\"name\": \"x\"}\n ]\n}";
        assert_eq!(line_of_entry(text, "projects", 0), Some(3));
        assert_eq!(line_of_entry(text, "projects", 1), Some(4));
        assert_eq!(line_of_entry(text, "robots", 0), Some(7));
        assert_eq!(line_of_entry(text, "robots", 1), None);
        let entry = InvalidEntry {
            section: "projects",
            index: 1,
            message: "duplicate project name \"b\"".into(),
        };
        assert_eq!(
            locate(&entry, text, "f.json").to_string(),
            "f.json: line 4: projects[1]: duplicate project name \"b\""
        );
    }
}
