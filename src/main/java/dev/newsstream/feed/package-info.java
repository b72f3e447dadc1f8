/**
 * Reading feeds. Promise: no feed server and no feed content can hold a fetch past its deadline, make us
 * keep more than the documented maxima (docs/security.md), or end a fetch any other way than with a
 * result or a clear failure. Entry points: {@link dev.newsstream.feed.control.SourceReader#read} (one
 * source, all its URLs), {@link dev.newsstream.feed.control.FeedFetcher} (one URL: deadline, byte cap,
 * redirects, validators), {@link dev.newsstream.feed.control.FeedParser} (bytes to capped articles, no I/O),
 * {@link dev.newsstream.feed.control.FeedTextLimits} (every string's maximum) and
 * {@link dev.newsstream.feed.control.SourceCatalog} (the configured sources).
 */
package dev.newsstream.feed;
