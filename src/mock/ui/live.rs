//! The live journal: `GET /_mock/ui/journal/events` streams every newly recorded request that
//! matches the page's filters as a Server-Sent Event, its data the entry's HTML (the same
//! template the page renders it with), its id the entry's `seq`.
//!
//! The page passes `after`, the latest `seq` when it was rendered, so nothing recorded between
//! the page and the stream is missed; a reconnecting browser sends `Last-Event-ID`, which wins.
//! The stream wakes on the journal's change signal (no polling), and ends when its instance is
//! gone (a deleted session) or the server stops.

use askama::Template;
use axum::extract::Query;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::sync::Arc;

use super::Viewed;
use super::pages::{EntryView, JournalForm};
use crate::http::{ApiError, Result};
use crate::mock::journal::Entry;

/// `?after=` besides the filters.
#[derive(serde::Deserialize)]
pub struct After {
    after: Option<u64>,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryFragment<'a> {
    e: &'a EntryView,
}

/// `GET /_mock/ui/journal/events?after=&method=&path=&status=&caller=`: the matching requests
/// recorded after `after` (or `Last-Event-ID`), as they come.
pub async fn journal_events(
    viewed: Viewed,
    headers: HeaderMap,
    Query(after): Query<After>,
    Query(form): Query<JournalForm>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let mut query = form.query().map_err(ApiError::BadRequest)?;
    let resumed = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    query.after = resumed.or(after.after);
    let instance = Arc::downgrade(&viewed.ctx.instance);
    let changes = viewed.ctx.instance.journal.subscribe();
    drop(viewed);
    let batches = stream::unfold(
        (changes, query, instance),
        |(mut changes, mut query, instance)| async move {
            loop {
                // Marked seen before reading, so a request recorded after the read wakes us.
                changes.borrow_and_update();
                let entries = instance.upgrade()?.journal.entries(&query);
                if let Some(last) = entries.last() {
                    query.after = Some(last.seq);
                    return Some((entries, (changes, query, instance)));
                }
                changes.changed().await.ok()?;
            }
        },
    );
    let events = batches.flat_map(|entries| stream::iter(entries.into_iter().map(event)));
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// One entry as an `entry` event. The HTML travels JSON-encoded: SSE data cannot carry the
/// carriage returns a client may have sent in a body.
fn event(entry: Entry) -> Result<Event, Infallible> {
    let seq = entry.seq;
    let view = EntryView::new(entry);
    let html = EntryFragment { e: &view }.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "dashboard: a journal entry does not render");
        String::new()
    });
    let data = serde_json::to_string(&html).unwrap_or_default();
    Ok(Event::default()
        .event("entry")
        .id(seq.to_string())
        .data(data))
}
