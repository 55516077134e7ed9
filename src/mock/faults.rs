//! Fault injection: rules that make matching Harbor API requests fail on purpose, slow down,
//! or lose their connection, optionally only a given number of times.

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use super::journal::glob_match;

/// A rule as created through the control API.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Only this method (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path pattern with `*` wildcards, e.g. `/api/v2.0/robots/*`.
    pub path: String,
    /// Apply to the next N matching requests only (forever when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// Answer with this status and a Harbor error body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Overrides the error body's message (statuses below 500 only: Harbor hides 5xx detail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Delay the request by this many milliseconds first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Close the connection without answering.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop: bool,
}

/// A stored rule with its id and how many times it may still fire.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Rule {
    /// Its id, for removal.
    pub id: u64,
    /// What it does; `times` counts down as it fires.
    #[serde(flatten)]
    pub spec: RuleSpec,
}

/// What to do with a matched request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// Wait this long first.
    pub latency_ms: Option<u64>,
    /// Then this.
    pub outcome: Outcome,
}

/// How a matched request ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Go on to the real handler (latency only).
    Proceed,
    /// Answer with a Harbor error body.
    Error {
        /// The status.
        status: u16,
        /// The message, for statuses below 500.
        message: Option<String>,
    },
    /// Close the connection without an answer.
    Drop,
}

/// Longest injected latency; keeps a typo from hanging a test run.
pub const MAX_LATENCY_MS: u64 = 60_000;

impl RuleSpec {
    /// Checks the rule makes sense; `Err` says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.path.is_empty() {
            return Err("path must not be empty".into());
        }
        if let Some(status) = self.status
            && !(400..=599).contains(&status)
        {
            return Err(format!("status {status} is not an error status (400-599)"));
        }
        if self.drop && self.status.is_some() {
            return Err("a rule either drops the connection or answers a status, not both".into());
        }
        if !self.drop && self.status.is_none() && self.latency_ms.is_none() {
            return Err("a rule needs status, latency_ms or drop".into());
        }
        if self.latency_ms.is_some_and(|ms| ms > MAX_LATENCY_MS) {
            return Err(format!("latency_ms is capped at {MAX_LATENCY_MS}"));
        }
        if self.times == Some(0) {
            return Err("times must be at least 1 (leave it out for always)".into());
        }
        Ok(())
    }
}

/// The active rules.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    rules: Vec<Rule>,
}

impl Faults {
    /// Adds a rule after checking it.
    pub fn add(&self, spec: RuleSpec) -> Result<Rule, String> {
        spec.validate()?;
        let mut state = self.inner.lock();
        state.next_id += 1;
        let rule = Rule {
            id: state.next_id,
            spec,
        };
        state.rules.push(rule.clone());
        Ok(rule)
    }

    /// Every active rule.
    pub fn list(&self) -> Vec<Rule> {
        self.inner.lock().rules.clone()
    }

    /// Removes a rule; `false` if there was none.
    pub fn remove(&self, id: u64) -> bool {
        let mut state = self.inner.lock();
        let before = state.rules.len();
        state.rules.retain(|r| r.id != id);
        state.rules.len() != before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.inner.lock().rules.clear();
    }

    /// The first rule matching the request fires (and is used up if counted).
    pub fn take(&self, method: &str, path: &str) -> Option<Action> {
        let mut state = self.inner.lock();
        if state.rules.is_empty() {
            return None;
        }
        let index = state.rules.iter().position(|r| {
            r.spec
                .method
                .as_ref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && glob_match(&r.spec.path, path)
        })?;
        let spec = state.rules[index].spec.clone();
        if let Some(times) = state.rules[index].spec.times.as_mut() {
            *times -= 1;
            if *times == 0 {
                state.rules.remove(index);
            }
        }
        let outcome = match (spec.drop, spec.status) {
            (true, _) => Outcome::Drop,
            (false, Some(status)) => Outcome::Error {
                status,
                message: spec.message,
            },
            (false, None) => Outcome::Proceed,
        };
        Some(Action {
            latency_ms: spec.latency_ms,
            outcome,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> RuleSpec {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn counted_rules_fire_then_disappear() {
        let faults = Faults::default();
        faults
            .add(spec(
                r#"{"method":"POST","path":"/api/v2.0/robots","times":2,"status":503}"#,
            ))
            .unwrap();
        assert_eq!(
            faults.take("GET", "/api/v2.0/robots"),
            None,
            "method must match"
        );
        for _ in 0..2 {
            let action = faults.take("post", "/api/v2.0/robots").unwrap();
            assert_eq!(
                action.outcome,
                Outcome::Error {
                    status: 503,
                    message: None
                }
            );
        }
        assert_eq!(faults.take("POST", "/api/v2.0/robots"), None);
        assert!(faults.list().is_empty());
    }

    #[test]
    fn validation_table() {
        let bad = [
            (r#"{"path":"","status":500}"#, "path must not be empty"),
            (
                r#"{"path":"/x","status":200}"#,
                "status 200 is not an error status (400-599)",
            ),
            (
                r#"{"path":"/x"}"#,
                "a rule needs status, latency_ms or drop",
            ),
            (
                r#"{"path":"/x","drop":true,"status":500}"#,
                "a rule either drops the connection or answers a status, not both",
            ),
            (
                r#"{"path":"/x","latency_ms":600000}"#,
                "latency_ms is capped at 60000",
            ),
            (
                r#"{"path":"/x","status":500,"times":0}"#,
                "times must be at least 1 (leave it out for always)",
            ),
        ];
        for (json, message) in bad {
            assert_eq!(spec(json).validate(), Err(message.to_string()), "{json}");
        }
        let faults = Faults::default();
        let rule = faults
            .add(spec(r#"{"path":"/api/*","latency_ms":5}"#))
            .unwrap();
        assert_eq!(
            faults.take("GET", "/api/v2.0/robots").unwrap(),
            Action {
                latency_ms: Some(5),
                outcome: Outcome::Proceed
            }
        );
        assert!(faults.remove(rule.id));
        assert!(!faults.remove(rule.id));
    }
}
