package dev.newsstream.store.entity;

import java.time.Instant;

/** A row the database refused (value too long, bad encoding, a constraint), skipped, and the database's reason. */
public record RefusedRow(Instant at, String source, String what, String reason) {
}
