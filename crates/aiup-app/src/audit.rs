//! Reading the audit log: filters as people give them (actor, action, Seoul dates), checked at
//! the edge. Writing happens in the store, in the same transaction as each change.

use crate::accounts::{Actor, Permission};
use crate::{AppError, Code};
use aiup_store::{AuditEvent, AuditFilter};

/// The most events one page shows.
pub const MAX_AUDIT_PAGE: i64 = 500;
/// Events per page when the caller does not say.
pub const DEFAULT_AUDIT_PAGE: i64 = 100;

/// Reads `actor`, `action`, `from`, `to` (Seoul dates, `YYYY-MM-DD`), `before` (an event id,
/// for the next page) and `limit` from query-string pairs. Keys in `ignore` (such as `lang`) are
/// skipped; any other key is refused.
pub fn filter_from_pairs(pairs: &[(String, String)], ignore: &[&str]) -> Result<AuditFilter, AppError> {
    let mut filter = AuditFilter {
        limit: DEFAULT_AUDIT_PAGE,
        ..AuditFilter::default()
    };
    let bad = |field: &str, reason: String| AppError::field(Code::InvalidParameter, field, reason);
    for (key, value) in pairs {
        let value = value.trim();
        match key.as_str() {
            _ if value.is_empty() => {}
            "actor" | "action" if value.chars().count() > 200 => {
                return Err(bad(key, "is longer than 200 characters".to_owned()));
            }
            "actor" => filter.actor = Some(value.to_owned()),
            "action" => filter.action = Some(value.to_owned()),
            "from" | "to" => {
                let date = aiup_core::date::parse_iso_date(value).map_err(|e| bad(key, e.to_string()))?;
                if key == "from" {
                    filter.from = Some(date);
                } else {
                    filter.to = Some(date);
                }
            }
            "before" => {
                filter.before_id = Some(
                    value
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| bad(key, format!("`{value}` is not an event id")))?,
                );
            }
            "limit" => {
                filter.limit = value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_AUDIT_PAGE).contains(n))
                    .ok_or_else(|| {
                        bad(
                            key,
                            format!("`{value}` is not a whole number from 1 to {MAX_AUDIT_PAGE}"),
                        )
                    })?;
            }
            other if ignore.contains(&other) => {}
            other => return Err(bad(other, "is not a parameter of the audit log".to_owned())),
        }
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if to < from {
            return Err(bad("to", "is before `from`".to_owned()));
        }
    }
    Ok(filter)
}

impl crate::App {
    /// The audit events matching `filter`, newest first; only for roles that read the log.
    pub async fn audit_events(&self, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEvent>, AppError> {
        actor.require(Permission::ReadAudit)?;
        Ok(self.db().audit().events(filter).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn reads_every_filter() {
        let f = filter_from_pairs(
            &pairs(&[
                ("actor", "kim"),
                ("action", "account."),
                ("from", "2026-12-01"),
                ("to", "2026-12-06"),
                ("before", "90"),
                ("limit", "20"),
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(f.actor.as_deref(), Some("kim"));
        assert_eq!(f.action.as_deref(), Some("account."));
        assert_eq!(f.before_id, Some(90));
        assert_eq!(f.limit, 20);
    }

    #[test]
    fn refuses_loose_dates_unknown_keys_and_reversed_ranges() {
        for (list, field) in [
            (vec![("from", "2026-3-2")], "from"),
            (vec![("to", "+10000-01-01")], "to"),
            (vec![("limit", "0")], "limit"),
            (vec![("who", "kim")], "who"),
            (vec![("from", "2026-12-06"), ("to", "2026-12-01")], "to"),
        ] {
            let e = filter_from_pairs(&pairs(&list), &["lang"]).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{list:?}");
            assert_eq!(e.code, Code::InvalidParameter);
        }
        assert!(filter_from_pairs(&pairs(&[("lang", "en")]), &["lang"]).is_ok());
    }
}
