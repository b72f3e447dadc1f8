/**
 * Sources you can bring and take: sources added and removed at run time (stored, so they survive a
 * restart; operator token or loopback only), OPML export of the current sources, and OPML import that checks
 * each feed with one polite fetch and reports per feed as events and as a resource.
 */
package dev.newsstream.sources;
