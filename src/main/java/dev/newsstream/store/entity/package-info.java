/**
 * Storage's data: records that cross the store's edge ({@code FetchRecord}, {@code LoggedArticle},
 * {@code SourceState}, {@code StorageStatus}...) and the JPA entities of its tables ({@code Stored*}).
 */
package dev.newsstream.store.entity;
