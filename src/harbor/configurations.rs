//! Harbor's system configuration: the items `GET /configurations` shows, their types and
//! defaults (`src/lib/config/metadata/metadatalist.go`), and how `PUT /configurations`
//! validates a change (`src/controller/config/controller.go`, `src/pkg/config/manager.go`).

use std::collections::BTreeMap;

use super::error::ApiError;

/// A configuration value, typed as Harbor types it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigValue {
    /// A string item.
    Str(String),
    /// A boolean item.
    Bool(bool),
    /// An integer item (int64 on the wire).
    Int(i64),
}

impl ConfigValue {
    /// The value as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            ConfigValue::Str(s) => serde_json::Value::from(s.as_str()),
            ConfigValue::Bool(b) => serde_json::Value::from(*b),
            ConfigValue::Int(i) => serde_json::Value::from(*i),
        }
    }
}

/// The type of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigKind {
    /// A string.
    Str,
    /// A boolean.
    Bool,
    /// An integer.
    Int,
}

/// Every item of the swagger's `Configurations` model, with its type and default; the two
/// password items are write-only (accepted by PUT, never shown).
const ITEMS: &[(&str, ConfigKind, ItemDefault)] = &[
    (
        "audit_log_forward_endpoint",
        ConfigKind::Str,
        ItemDefault::Str(""),
    ),
    ("auth_mode", ConfigKind::Str, ItemDefault::Str("db_auth")),
    ("banner_message", ConfigKind::Str, ItemDefault::Str("")),
    (
        "disabled_audit_log_event_types",
        ConfigKind::Str,
        ItemDefault::Str(""),
    ),
    (
        "http_authproxy_admin_groups",
        ConfigKind::Str,
        ItemDefault::Str(""),
    ),
    (
        "http_authproxy_admin_usernames",
        ConfigKind::Str,
        ItemDefault::Str(""),
    ),
    (
        "http_authproxy_endpoint",
        ConfigKind::Str,
        ItemDefault::Str(""),
    ),
    (
        "http_authproxy_server_certificate",
        ConfigKind::Str,
        ItemDefault::Str(""),
    ),
    (
        "http_authproxy_skip_search",
        ConfigKind::Bool,
        ItemDefault::Bool(false),
    ),
    (
        "http_authproxy_tokenreview_endpoint",
        ConfigKind::Str,
        ItemDefault::Str(""),
    ),
    (
        "http_authproxy_verify_cert",
        ConfigKind::Bool,
        ItemDefault::Bool(true),
    ),
    ("ldap_base_dn", ConfigKind::Str, ItemDefault::Str("")),
    ("ldap_filter", ConfigKind::Str, ItemDefault::Str("")),
    ("ldap_group_admin_dn", ConfigKind::Str, ItemDefault::Str("")),
    (
        "ldap_group_attach_parallel",
        ConfigKind::Bool,
        ItemDefault::Bool(false),
    ),
    (
        "ldap_group_attribute_name",
        ConfigKind::Str,
        ItemDefault::Str(""),
    ),
    ("ldap_group_base_dn", ConfigKind::Str, ItemDefault::Str("")),
    (
        "ldap_group_membership_attribute",
        ConfigKind::Str,
        ItemDefault::Str("memberof"),
    ),
    (
        "ldap_group_search_filter",
        ConfigKind::Str,
        ItemDefault::Str(""),
    ),
    (
        "ldap_group_search_scope",
        ConfigKind::Int,
        ItemDefault::Int(2),
    ),
    ("ldap_scope", ConfigKind::Int, ItemDefault::Int(2)),
    ("ldap_search_dn", ConfigKind::Str, ItemDefault::Str("")),
    (
        "ldap_search_password",
        ConfigKind::Str,
        ItemDefault::WriteOnly,
    ),
    ("ldap_timeout", ConfigKind::Int, ItemDefault::Int(5)),
    ("ldap_uid", ConfigKind::Str, ItemDefault::Str("cn")),
    ("ldap_url", ConfigKind::Str, ItemDefault::Str("")),
    (
        "ldap_verify_cert",
        ConfigKind::Bool,
        ItemDefault::Bool(true),
    ),
    (
        "notification_enable",
        ConfigKind::Bool,
        ItemDefault::Bool(true),
    ),
    ("oidc_admin_group", ConfigKind::Str, ItemDefault::Str("")),
    (
        "oidc_auto_onboard",
        ConfigKind::Bool,
        ItemDefault::Bool(false),
    ),
    ("oidc_client_id", ConfigKind::Str, ItemDefault::Str("")),
    (
        "oidc_client_secret",
        ConfigKind::Str,
        ItemDefault::WriteOnly,
    ),
    ("oidc_endpoint", ConfigKind::Str, ItemDefault::Str("")),
    (
        "oidc_extra_redirect_parms",
        ConfigKind::Str,
        ItemDefault::Str("{}"),
    ),
    ("oidc_group_filter", ConfigKind::Str, ItemDefault::Str("")),
    ("oidc_groups_claim", ConfigKind::Str, ItemDefault::Str("")),
    ("oidc_logout", ConfigKind::Bool, ItemDefault::Bool(false)),
    ("oidc_name", ConfigKind::Str, ItemDefault::Str("")),
    ("oidc_scope", ConfigKind::Str, ItemDefault::Str("")),
    ("oidc_user_claim", ConfigKind::Str, ItemDefault::Str("")),
    (
        "oidc_verify_cert",
        ConfigKind::Bool,
        ItemDefault::Bool(true),
    ),
    (
        "primary_auth_mode",
        ConfigKind::Bool,
        ItemDefault::Bool(false),
    ),
    (
        "project_creation_restriction",
        ConfigKind::Str,
        ItemDefault::Str("everyone"),
    ),
    (
        "quota_per_project_enable",
        ConfigKind::Bool,
        ItemDefault::Bool(true),
    ),
    ("read_only", ConfigKind::Bool, ItemDefault::Bool(false)),
    (
        "robot_name_prefix",
        ConfigKind::Str,
        ItemDefault::Str("robot$"),
    ),
    (
        "robot_token_duration",
        ConfigKind::Int,
        ItemDefault::Int(30),
    ),
    (
        "scanner_skip_update_pulltime",
        ConfigKind::Bool,
        ItemDefault::Bool(false),
    ),
    (
        "self_registration",
        ConfigKind::Bool,
        ItemDefault::Bool(false),
    ),
    ("session_timeout", ConfigKind::Int, ItemDefault::Int(60)),
    (
        "skip_audit_log_database",
        ConfigKind::Bool,
        ItemDefault::Bool(false),
    ),
    ("storage_per_project", ConfigKind::Int, ItemDefault::Int(-1)),
    ("token_expiration", ConfigKind::Int, ItemDefault::Int(30)),
    ("uaa_client_id", ConfigKind::Str, ItemDefault::Str("")),
    ("uaa_client_secret", ConfigKind::Str, ItemDefault::Str("")),
    ("uaa_endpoint", ConfigKind::Str, ItemDefault::Str("")),
    (
        "uaa_verify_cert",
        ConfigKind::Bool,
        ItemDefault::Bool(false),
    ),
];

/// An item's default; `WriteOnly` items are never shown.
#[derive(Clone, Copy, Debug)]
enum ItemDefault {
    Str(&'static str),
    Bool(bool),
    Int(i64),
    WriteOnly,
}

/// The keys of the `Configurations` request model and their types, in the model's order.
pub fn items() -> impl Iterator<Item = (&'static str, ConfigKind)> {
    ITEMS.iter().map(|(key, kind, _)| (*key, *kind))
}

/// The largest quota Harbor accepts, in bytes: 1024 TB.
const MAX_STORAGE: i64 = 1 << 50;

/// The values of every item (write-only ones only once set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Configurations {
    values: BTreeMap<&'static str, ConfigValue>,
}

impl Default for Configurations {
    fn default() -> Self {
        Configurations::with_prefix(super::DEFAULT_ROBOT_PREFIX)
    }
}

/// The `PUT /configurations` body (swagger `Configurations`): the items given, typed; unknown
/// keys are dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigurationsReq {
    /// Each item given, by key.
    pub changes: BTreeMap<&'static str, ConfigValue>,
}

impl Configurations {
    /// Harbor's defaults, with `robot_name_prefix` as given.
    pub fn with_prefix(robot_name_prefix: &str) -> Configurations {
        let mut values = BTreeMap::new();
        for (key, _, default) in ITEMS {
            let value = match default {
                ItemDefault::Str(s) => ConfigValue::Str((*s).to_string()),
                ItemDefault::Bool(b) => ConfigValue::Bool(*b),
                ItemDefault::Int(i) => ConfigValue::Int(*i),
                ItemDefault::WriteOnly => continue,
            };
            values.insert(*key, value);
        }
        values.insert(
            "robot_name_prefix",
            ConfigValue::Str(robot_name_prefix.to_string()),
        );
        Configurations { values }
    }

    /// The value of `key`, if it is a known item.
    pub fn get(&self, key: &str) -> Option<&ConfigValue> {
        self.values.get(key)
    }

    /// A string item's value (empty for another kind or an unknown key).
    pub fn text(&self, key: &str) -> &str {
        match self.values.get(key) {
            Some(ConfigValue::Str(s)) => s,
            _ => "",
        }
    }

    /// Whether a boolean item is true.
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.values.get(key), Some(ConfigValue::Bool(true)))
    }

    /// `robot_name_prefix`: put before every robot's stored name on the wire and at login.
    pub fn robot_name_prefix(&self) -> &str {
        self.text("robot_name_prefix")
    }

    /// `read_only`: every write but `PUT /configurations` is refused.
    pub fn read_only(&self) -> bool {
        self.flag("read_only")
    }

    /// `self_registration`.
    pub fn self_registration(&self) -> bool {
        self.flag("self_registration")
    }

    /// `project_creation_restriction` is `adminonly`.
    pub fn admin_only_project_creation(&self) -> bool {
        self.text("project_creation_restriction") == "adminonly"
    }

    /// `quota_per_project_enable`.
    pub fn quota_per_project(&self) -> bool {
        self.flag("quota_per_project_enable")
    }

    /// `storage_per_project`: the quota of projects whose creator may not choose one.
    pub fn storage_per_project(&self) -> i64 {
        match self.values.get("storage_per_project") {
            Some(ConfigValue::Int(i)) => *i,
            _ => -1,
        }
    }

    /// The items shown by `GET /configurations` and `GET /systeminfo`, with their values
    /// (write-only items left out).
    pub fn shown(&self) -> impl Iterator<Item = (&'static str, &ConfigValue)> {
        ITEMS
            .iter()
            .filter(|(_, _, default)| !matches!(default, ItemDefault::WriteOnly))
            .filter_map(|(key, _, _)| Some((*key, self.values.get(key)?)))
    }

    /// The items whose value differs from `before`'s.
    pub fn changed_from<'a>(
        &'a self,
        before: &'a Configurations,
    ) -> impl Iterator<Item = (&'static str, &'a ConfigValue)> {
        self.values
            .iter()
            .filter(|(key, value)| before.values.get(*key) != Some(*value))
            .map(|(key, value)| (*key, value))
    }

    /// Every value that differs from Harbor's default, for a state dump.
    pub fn changed(&self) -> BTreeMap<String, ConfigValue> {
        let defaults = Configurations::default();
        self.values
            .iter()
            .filter(|(key, value)| defaults.values.get(*key) != Some(*value))
            .map(|(key, value)| ((*key).to_string(), value.clone()))
            .collect()
    }

    /// Checks `changes` as `PUT /configurations` does and applies them; on error nothing
    /// changes. `users_exist`: a user other than `admin` exists (the auth mode is then fixed).
    /// Harbor checks the items in Go's random map order, so which of several bad items is
    /// reported varies there; here it is always the first in key order.
    pub fn update(
        &mut self,
        changes: BTreeMap<&'static str, ConfigValue>,
        users_exist: bool,
    ) -> Result<(), ApiError> {
        let bad = |m: String| Err(ApiError::BadRequest(m));
        if let Some(ConfigValue::Str(mode)) = changes.get("auth_mode")
            && mode != self.text("auth_mode")
            && users_exist
        {
            return bad(
                "the auth mode cannot be modified as new users have been inserted into database"
                    .into(),
            );
        }
        let mut next = self.clone();
        // `ValidateCfg`: each item's own rule.
        for (key, value) in changes.iter() {
            let value = match (*key, value) {
                ("robot_name_prefix", ConfigValue::Str(prefix)) => {
                    let trimmed = prefix.trim();
                    if trimmed.is_empty() {
                        return bad(
                            "bad request: robot_name_prefix cannot be empty or contain only spaces"
                                .into(),
                        );
                    }
                    ConfigValue::Str(trimmed.to_string())
                }
                ("storage_per_project", ConfigValue::Int(v)) => {
                    check_storage_limit(*v)?;
                    value.clone()
                }
                _ => {
                    if let Err(reason) = check_item(key, value) {
                        return bad(format!("bad request: item name {key}: {reason}"));
                    }
                    value.clone()
                }
            };
            next.values.insert(key, value);
        }
        // `LdapGroupValidateRule`, on the merged values.
        let ldap_group = [
            "ldap_group_search_filter",
            "ldap_group_attribute_name",
            "ldap_group_membership_attribute",
        ];
        if ldap_group.iter().any(|key| changes.contains_key(key))
            && !next.text("ldap_group_search_filter").is_empty()
        {
            if next.text("ldap_group_attribute_name").is_empty() {
                return bad("bad request: ldap group name attribute can not be empty".into());
            }
            if next.text("ldap_group_membership_attribute").is_empty() {
                return bad("bad request: ldap group membership attribute can not be empty".into());
            }
        }
        // `verifySkipAuditLogCfg`, on the merged values.
        if (changes.contains_key("skip_audit_log_database")
            || changes.contains_key("audit_log_forward_endpoint"))
            && next.flag("skip_audit_log_database")
            && next.text("audit_log_forward_endpoint").is_empty()
        {
            return bad("bad request: audit log forward endpoint should be configured before enable skip audit log in database".into());
        }
        // `verifyValueLengthCfg`.
        for key in [
            "token_expiration",
            "robot_token_duration",
            "session_timeout",
        ] {
            if let Some(ConfigValue::Int(v)) = changes.get(key) {
                if *v <= 0 {
                    return bad(format!("the {key} value must be positive"));
                }
                if *v > 9_999_999_999 {
                    return bad(format!(
                        "the {key} value is over the limit value: 9999999999"
                    ));
                }
            }
        }
        *self = next;
        Ok(())
    }
}

/// The rule of an item's type in Harbor's metadata list (`src/lib/config/metadata/type.go`),
/// with its reason; the body's JSON types were checked when it was decoded.
fn check_item(key: &str, value: &ConfigValue) -> Result<(), String> {
    let ConfigValue::Str(text) = value else {
        return match (key, value) {
            ("ldap_scope" | "ldap_group_search_scope", ConfigValue::Int(0..=2)) => Ok(()),
            ("ldap_scope" | "ldap_group_search_scope", _) => {
                Err("invalid scope, should be 0, 1 or 2".into())
            }
            _ => Ok(()),
        };
    };
    match key {
        "auth_mode" => match text.as_str() {
            "ldap_auth" | "db_auth" | "uaa_auth" | "http_auth" | "oidc_auth" => Ok(()),
            _ => Err(
                "invalid auth_mode, shoud be one of db_auth, ldap_auth, uaa_auth, http_auth, oidc_auth"
                    .into(),
            ),
        },
        "project_creation_restriction" => match text.as_str() {
            "adminonly" | "everyone" => Ok(()),
            _ => Err(
                "invalid project_creation_restriction, should be adminonly or everyone".into(),
            ),
        },
        "ldap_base_dn" | "ldap_uid" | "ldap_url" if text.trim().is_empty() => {
            Err("the configure value can not be empty".into())
        }
        // A JSON object of strings (or `null`); the reason is Go's own decoding error.
        "oidc_extra_redirect_parms" => check_string_map(text),
        _ => Ok(()),
    }
}

/// Whether `text` decodes into Go's `map[string]string`, with `encoding/json`'s reason when
/// not: a syntax error first (Go checks the whole text before decoding), then the first value
/// of the wrong kind. Syntax errors are told apart only by where they are (start, end, after
/// the value); a malformed text in between is reported as at its start.
fn check_string_map(text: &str) -> Result<(), String> {
    use serde_json::Value;
    let kind = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Null) => Ok(()),
        Ok(Value::Object(map)) => match map.values().find(|v| !v.is_string() && !v.is_null()) {
            Some(value) => Err(format!(
                "json: cannot unmarshal {} into Go value of type string",
                kind(value)
            )),
            None => Ok(()),
        },
        Ok(other) => Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]string",
            kind(&other)
        )),
        Err(e) if e.is_eof() => Err("unexpected end of JSON input".into()),
        Err(e) if e.to_string().starts_with("trailing characters") => {
            let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
            let _ = stream.next();
            let rest = text[stream.byte_offset()..].trim_start();
            let at = rest.chars().next().unwrap_or(' ');
            Err(format!("invalid character '{at}' after top-level value"))
        }
        Err(_) => {
            let at = text.trim_start().chars().next().unwrap_or(' ');
            Err(format!(
                "invalid character '{at}' looking for beginning of value"
            ))
        }
    }
}

/// Harbor's quota check (`src/pkg/quota/types` `Validate`): -1 (unlimited) or 1 B … 1024 TB.
pub fn check_storage_limit(value: i64) -> Result<(), ApiError> {
    if value <= 0 && value != -1 {
        Err(ApiError::BadRequest(format!(
            "bad request: invalid non-positive value for quota limit, value={value}"
        )))
    } else if value > MAX_STORAGE {
        Err(ApiError::BadRequest(format!(
            "bad request: exceeded 1024TB, which is {MAX_STORAGE} Bytes, value={value}"
        )))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_six_items_are_shown_with_their_types() {
        let config = Configurations::with_prefix("robot$");
        let shown: Vec<_> = config.shown().collect();
        assert_eq!(
            shown.len(),
            55,
            "56 with scan_all_policy, which is not an item"
        );
        assert_eq!(config.robot_name_prefix(), "robot$");
        assert_eq!(config.get("ldap_scope"), Some(&ConfigValue::Int(2)));
        assert_eq!(config.get("oidc_client_secret"), None);
        assert!(config.changed().is_empty());
    }

    #[test]
    fn updates_are_checked_as_harbor_checks_them() {
        let mut config = Configurations::with_prefix("robot$");
        let change = |key: &'static str, value: ConfigValue| BTreeMap::from([(key, value)]);
        let cases = [
            (
                change("robot_name_prefix", ConfigValue::Str("  ".into())),
                "bad request: robot_name_prefix cannot be empty or contain only spaces",
            ),
            (
                change(
                    "project_creation_restriction",
                    ConfigValue::Str("some".into()),
                ),
                "bad request: item name project_creation_restriction: invalid project_creation_restriction, should be adminonly or everyone",
            ),
            (
                change("robot_token_duration", ConfigValue::Int(0)),
                "the robot_token_duration value must be positive",
            ),
            (
                change("session_timeout", ConfigValue::Int(10_000_000_000)),
                "the session_timeout value is over the limit value: 9999999999",
            ),
            (
                change("storage_per_project", ConfigValue::Int(0)),
                "bad request: invalid non-positive value for quota limit, value=0",
            ),
            (
                change("storage_per_project", ConfigValue::Int(MAX_STORAGE + 1)),
                "bad request: exceeded 1024TB, which is 1125899906842624 Bytes, value=1125899906842625",
            ),
            (
                change("auth_mode", ConfigValue::Str("none".into())),
                "bad request: item name auth_mode: invalid auth_mode, shoud be one of db_auth, ldap_auth, uaa_auth, http_auth, oidc_auth",
            ),
            (
                change("ldap_scope", ConfigValue::Int(3)),
                "bad request: item name ldap_scope: invalid scope, should be 0, 1 or 2",
            ),
            (
                change("ldap_url", ConfigValue::Str(" ".into())),
                "bad request: item name ldap_url: the configure value can not be empty",
            ),
            (
                change("ldap_group_search_filter", ConfigValue::Str("(x)".into())),
                "bad request: ldap group name attribute can not be empty",
            ),
            (
                change("skip_audit_log_database", ConfigValue::Bool(true)),
                "bad request: audit log forward endpoint should be configured before enable skip audit log in database",
            ),
            (
                // Each item's own rule comes before the length rule, whatever the key order.
                BTreeMap::from([
                    ("session_timeout", ConfigValue::Int(0)),
                    ("storage_per_project", ConfigValue::Int(0)),
                ]),
                "bad request: invalid non-positive value for quota limit, value=0",
            ),
        ];
        for (changes, message) in cases {
            assert_eq!(
                config.update(changes, false),
                Err(ApiError::BadRequest(message.into())),
                "{message}"
            );
        }
        assert_eq!(
            config,
            Configurations::with_prefix("robot$"),
            "nothing changed"
        );
        config
            .update(
                change("robot_name_prefix", ConfigValue::Str(" bot- ".into())),
                false,
            )
            .unwrap();
        assert_eq!(config.robot_name_prefix(), "bot-", "trimmed");
        assert_eq!(
            config.update(
                change("auth_mode", ConfigValue::Str("ldap_auth".into())),
                true
            ),
            Err(ApiError::BadRequest(
                "the auth mode cannot be modified as new users have been inserted into database"
                    .into()
            ))
        );
    }

    #[test]
    fn extra_redirect_parameters_are_a_map_of_strings_as_go_decodes_it() {
        // Reasons from Go 1.26's `json.Unmarshal` into a `map[string]string`.
        let cases = [
            (r#"{"a":"b","c":null}"#, None),
            ("null", None),
            (
                r#"{"a":1}"#,
                Some("json: cannot unmarshal number into Go value of type string"),
            ),
            (
                r#"{"a":true}"#,
                Some("json: cannot unmarshal bool into Go value of type string"),
            ),
            (
                "[1]",
                Some("json: cannot unmarshal array into Go value of type map[string]string"),
            ),
            (
                r#""x""#,
                Some("json: cannot unmarshal string into Go value of type map[string]string"),
            ),
            (
                "abc",
                Some("invalid character 'a' looking for beginning of value"),
            ),
            ("{", Some("unexpected end of JSON input")),
            ("", Some("unexpected end of JSON input")),
            (
                r#"{"a":"b"} x"#,
                Some("invalid character 'x' after top-level value"),
            ),
        ];
        for (text, reason) in cases {
            assert_eq!(check_string_map(text).err().as_deref(), reason, "{text}");
        }
    }
}
