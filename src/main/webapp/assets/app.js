/*
 * newsstream page: one EventSource on news/stream?live=true, one card per story (articles of several
 * sources about the same event fold into it: "also reported by …", expandable), sources as a status list.
 *
 * Feed text is never trusted: every piece of it goes into the DOM through textContent or setAttribute,
 * never innerHTML, and only absolute http(s) URLs ever reach an href or a src.
 */
(function () {
    'use strict';

    var MAX_ARTICLES = 1000;          // a tab left open on a live stream must not grow for ever
    var RETRY_FIRST_MS = 5000;        // our own retries, when EventSource has given up (or was told to stop)
    var RETRY_MAX_MS = 60000;
    var NEW_BADGE_MS = 15000;         // how long a live article keeps its "New" badge
    var TIME_REFRESH_MS = 30000;
    var NO_DESCRIPTION = 'No description';
    var STATES = ['connecting', 'live', 'reconnecting', 'error'];
    var STATUS_ICONS = { pending: '\u2026', success: '\u2713', warning: '!', error: '\u2715' };

    var el = {};
    var stream = null;                // the current EventSource; frames from any other are ignored
    var category = '';
    var retryTimer = null;
    var retryDelay = RETRY_FIRST_MS;
    var records = [];                 // newest first, one per story: {key, time, haystack, node, reports, lead}
    var byKey = new Map();            // story key -> record
    var seenArticles = new Set();     // article keys already folded into a story
    var sources = [];                 // GET news/sources, for listing a category's sources before they answer
    var sourceRows = new Map();       // source name -> <li>
    var lastKnownStats = new Map();   // from `initial`: what a cache-only `complete` leaves the list showing
    var query = '';
    var phase = 'idle';
    var announceTimer = null;
    var pendingAnnouncement = [];

    // ------------------------------------------------------------------ small helpers

    /** The URL as an absolute http(s) URL string, or null for anything else (javascript:, data:, relative...). */
    function safeUrl(value) {
        if (typeof value !== 'string' || value.trim() === '') return null;
        var url;
        try {
            url = new URL(value.trim());
        } catch (e) {
            return null;
        }
        return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    }

    function text(value) {
        return typeof value === 'string' ? value : (value == null ? '' : String(value));
    }

    function make(tag, className, content) {
        var node = document.createElement(tag);
        if (className) node.className = className;
        if (content != null) node.textContent = content;
        return node;
    }

    function parse(event) {
        try {
            var data = JSON.parse(event.data);
            return data && typeof data === 'object' ? data : null;
        } catch (e) {
            return null;
        }
    }

    function plural(n, one, many) {
        return n + ' ' + (n === 1 ? one : many);
    }

    /** "just now", "5 min ago", "3 h ago", "2 d ago", or a date for anything older than a week. */
    function relativeTime(ms, now) {
        var diff = now - ms;
        var abs = Math.abs(diff);
        var ago = function (n, unit) { return diff >= 0 ? n + ' ' + unit + ' ago' : 'in ' + n + ' ' + unit; };
        if (abs < 60000) return 'just now';
        if (abs < 3600000) return ago(Math.floor(abs / 60000), 'min');
        if (abs < 86400000) return ago(Math.floor(abs / 3600000), 'h');
        if (abs < 7 * 86400000) return ago(Math.floor(abs / 86400000), 'd');
        var date = new Date(ms);
        var options = { day: 'numeric', month: 'short' };
        if (date.getFullYear() !== new Date(now).getFullYear()) options.year = 'numeric';
        return date.toLocaleDateString(undefined, options);
    }

    function announce(message) {
        pendingAnnouncement.push(message);
        if (announceTimer) return;
        // batched: a burst of live articles is one announcement, not twenty
        announceTimer = setTimeout(function () {
            announceTimer = null;
            el.announcer.textContent = pendingAnnouncement.length > 2
                ? pendingAnnouncement.length + ' updates: ' + pendingAnnouncement[pendingAnnouncement.length - 1]
                : pendingAnnouncement.join('. ');
            pendingAnnouncement = [];
        }, 1000);
    }

    // ------------------------------------------------------------------ connection state

    function setConnection(state, detail) {
        if (STATES.indexOf(state) < 0) return;
        el.connection.setAttribute('data-state', state);
        if (el.connectionState.textContent !== state) el.connectionState.textContent = state;
        el.connectionDetail.textContent = detail || '';
        el.retry.hidden = state !== 'error';
    }

    function setPhase(value) {
        phase = value;
        el.main.setAttribute('data-phase', value);
    }

    function setStreamId(id) {
        if (typeof id === 'string' && id && el.main.getAttribute('data-stream-id') !== id) {
            el.main.setAttribute('data-stream-id', id);
        }
    }

    // ------------------------------------------------------------------ the stream

    function streamUrl() {
        var url = 'news/stream?live=true';
        if (category) url += '&category=' + encodeURIComponent(category);
        return url;
    }

    function closeStream() {
        if (stream) {
            stream.close();
            stream = null;
        }
        if (retryTimer) {
            clearTimeout(retryTimer);
            retryTimer = null;
        }
    }

    function openStream() {
        closeStream();
        el.main.setAttribute('data-stream-id', '');
        setPhase('connecting');
        setConnection('connecting');
        var source = new EventSource(streamUrl());
        stream = source;
        var on = function (name, handler) {
            source.addEventListener(name, function (event) {
                if (source !== stream) return; // a frame still queued from a stream we closed
                var data = parse(event);
                if (!data) return;
                streamHealthy(); // a frame came: whatever the open event said or has yet to say, we are live
                setStreamId(data.stream_id);
                handler(data);
            });
        };
        source.onopen = function () {
            if (source === stream) setConnection('live');
        };
        // "error" is both the server's error frame (a MessageEvent with data) and EventSource's own
        // connection failure (a plain Event): tell them apart by the data.
        source.addEventListener('error', function (event) {
            if (source !== stream) return;
            if (typeof event.data === 'string') {
                var data = parse(event) || {};
                setStreamId(data.stream_id);
                serverError(text(data.message || data.error) || 'The server ended the stream.');
            } else if (source.readyState === EventSource.CONNECTING) {
                setConnection('reconnecting', 'Connection lost; reconnecting…');
            } else {
                // CLOSED: a non-200 answer or a wrong content type; EventSource does not try again by itself
                stream = null;
                setPhase('error');
                scheduleRetry('The news stream is unavailable.');
            }
        });
        on('initial', onInitial);
        on('resync', onResync);
        on('starting', onStarting);
        on('source_complete', onSourceComplete);
        on('source_error', onSourceError);
        on('complete', onComplete);
        on('article', onArticle);
    }

    function serverError(message) {
        // The server closes the stream after an error frame; EventSource would reconnect at once and
        // be refused again, so back off instead.
        closeStream();
        setPhase('error');
        scheduleRetry(message);
    }

    function scheduleRetry(message) {
        if (retryTimer) clearTimeout(retryTimer);
        var seconds = Math.round(retryDelay / 1000);
        setConnection('error', message + ' Retrying in ' + seconds + '\u00a0s.');
        retryTimer = setTimeout(function () {
            retryTimer = null;
            openStream();
        }, retryDelay);
        retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    }

    function streamHealthy() {
        retryDelay = RETRY_FIRST_MS;
        if (el.connection.getAttribute('data-state') !== 'live') setConnection('live');
    }

    // ------------------------------------------------------------------ frames

    function onInitial(data) {
        lastKnownStats.clear();
        (Array.isArray(data.source_stats) ? data.source_stats : []).forEach(function (stat) {
            if (!stat || typeof stat.name !== 'string' || !stat.name) return;
            lastKnownStats.set(stat.name, stat);
            if (!sourceRows.has(stat.name)) setSource(stat.name, stat.status || 'pending', describeStat(stat));
        });
        addArticles(data.articles, false);
    }

    function onResync() {
        // the server could not resume from our Last-Event-ID: a full `initial` follows
        clearArticles();
    }

    function onStarting(data) {
        setPhase('streaming');
        resetSourceList();
        setProgress({ completed: 0, total: sourceRows.size, percentage: 0 }, text(data.message) || 'Fetching sources…');
    }

    function onSourceComplete(data) {
        var stat = data.source_stat || {};
        var name = text(data.source || stat.name);
        var count = typeof stat.article_count === 'number' ? stat.article_count : (data.articles || []).length;
        var deferred = data.deferred || {};
        setSource(name, stat.status || 'success', (stat.status === 'success' || !stat.status ? plural(count, 'article', 'articles')
            : text(stat.error_message) || stat.status) + nextAttemptText(deferred.reason, deferred.until));
        addArticles(data.articles, false);
        setProgress(data.progress);
    }

    function onSourceError(data) {
        setSource(text(data.source), 'error', text(data.error) || 'failed');
        setProgress(data.progress);
    }

    function onComplete(data) {
        setPhase('complete');
        // answered from the cache: no source reported, so show what the cache knew about each
        sourceRows.forEach(function (row, name) {
            if (row.getAttribute('data-status') !== 'pending') return;
            var stat = lastKnownStats.get(name);
            if (stat) setSource(name, stat.status || 'success', describeStat(stat));
        });
        var parts = [];
        var progress = data.progress || { completed: 0, total: 0, percentage: 100 };
        parts.push(progress.completed + ' of ' + plural(progress.total, 'source', 'sources'));
        if (data.failed_sources) parts.push(data.failed_sources + ' failed');
        if (typeof data.cache_age_seconds === 'number') parts.push('cached ' + ageText(data.cache_age_seconds));
        else if (typeof data.duration_ms === 'number') parts.push((data.duration_ms / 1000).toFixed(1) + ' s');
        setProgress({ completed: progress.completed, total: progress.total, percentage: 100 }, parts.join(' · '));
        announce('Loaded ' + plural(records.length, 'story', 'stories'));
        updateEmptyState();
        loadNextAttempts();
    }

    function onArticle(data) {
        var added = addArticles([data.article], true);
        if (added.length) announce('New article: ' + text(added[0].title));
    }

    var NEXT_ATTEMPT_REASONS = { backoff: 'backing off', host_pause: 'host paused', feed_hint: 'feed hint' };

    /** " · next try in 20 min (backing off)": why a source was not fetched, and when it will be. */
    function nextAttemptText(reason, until) {
        var at = Date.parse(text(until));
        if (!reason || isNaN(at)) return '';
        var why = NEXT_ATTEMPT_REASONS.hasOwnProperty(reason) ? NEXT_ATTEMPT_REASONS[reason] : text(reason);
        return ' · next try ' + relativeTime(at, Date.now()) + ' (' + why + ')';
    }

    /** After a stream: the stats say, per source shown, when it is tried next and why. */
    function loadNextAttempts() {
        loadJson('news/sources/stats').then(function (stats) {
            (stats && Array.isArray(stats.sources) ? stats.sources : []).forEach(function (s) {
                var row = s && sourceRows.get(s.name);
                if (!row || !s.next_attempt_reason || row.getAttribute('data-status') === 'pending') return;
                var detail = row.querySelector('.source__detail');
                if (detail.textContent.indexOf(' · next try ') >= 0) return;
                detail.textContent += nextAttemptText(s.next_attempt_reason, s.next_attempt_at);
                row.title = detail.textContent;
            });
        }).catch(function () {
            // a convenience: the row keeps its last outcome
        });
    }

    function describeStat(stat) {
        if (stat.status === 'success' || !stat.status) return plural(stat.article_count || 0, 'article', 'articles');
        if (stat.status === 'pending') return 'waiting';
        return text(stat.error_message) || stat.status;
    }

    function ageText(seconds) {
        if (seconds < 10) return 'just now';
        if (seconds < 60) return Math.round(seconds) + ' s ago';
        if (seconds < 3600) return Math.round(seconds / 60) + ' min ago';
        return Math.round(seconds / 3600) + ' h ago';
    }

    // ------------------------------------------------------------------ progress and sources

    function setProgress(progress, message) {
        if (!progress) return;
        var pct = Math.max(0, Math.min(100, Number(progress.percentage) || 0));
        el.progress.value = pct;
        el.progress.textContent = Math.round(pct) + ' %';
        el.progress.setAttribute('aria-valuetext', progress.completed + ' of ' + progress.total + ' sources');
        el.progressText.textContent = message || (progress.completed + ' of ' + plural(progress.total, 'source', 'sources'));
    }

    /** Every source of this stream now waits: the catalog's for the category, and any the cache told of. */
    function resetSourceList() {
        sourceRows.forEach(function (row) { row.remove(); });
        sourceRows.clear();
        sources.forEach(function (s) {
            if (!category || s.category === category) setSource(s.name, 'pending', 'waiting');
        });
        lastKnownStats.forEach(function (stat, name) {
            if (!sourceRows.has(name)) setSource(name, 'pending', 'waiting');
        });
        updateSourceSummary();
    }

    function setSource(name, status, detail) {
        if (!name) return;
        if (!STATUS_ICONS.hasOwnProperty(status)) status = 'warning';
        var row = sourceRows.get(name);
        if (!row) {
            row = make('li', 'source');
            row.setAttribute('data-source', name);
            var icon = make('span', 'source__icon');
            icon.setAttribute('aria-hidden', 'true');
            row.appendChild(icon);
            row.appendChild(make('span', 'source__name', name));
            row.appendChild(make('span', 'source__detail'));
            sourceRows.set(name, row);
            el.sourceList.appendChild(row);
        }
        row.setAttribute('data-status', status);
        row.querySelector('.source__icon').textContent = STATUS_ICONS[status];
        var label = status === 'success' ? detail : status === 'pending' ? 'waiting' : status + ': ' + detail;
        row.querySelector('.source__detail').textContent = label;
        row.title = label;
        updateSourceSummary();
    }

    function updateSourceSummary() {
        var counts = { pending: 0, success: 0, warning: 0, error: 0 };
        sourceRows.forEach(function (row) { counts[row.getAttribute('data-status')]++; });
        var parts = [counts.success + ' ok'];
        if (counts.warning) parts.push(counts.warning + ' with warnings');
        if (counts.error) parts.push(counts.error + ' failed');
        if (counts.pending) parts.push(counts.pending + ' waiting');
        el.sourcesSummary.textContent = sourceRows.size
            ? plural(sourceRows.size, 'source', 'sources') + ': ' + parts.join(', ')
            : 'Source status';
    }

    // ------------------------------------------------------------------ articles

    function articleKey(article) {
        var link = safeUrl(article.link);
        return link ? 'link:' + link : 'title:' + text(article.title) + '\u0000' + text(article.source);
    }

    /** The story an article belongs to: the server's story id, or the article itself when it has none. */
    function storyKey(article) {
        var id = text(article.story_id);
        return id ? 'story:' + id : articleKey(article);
    }

    /**
     * Adds the articles not seen yet: an article of a story already shown folds into its card (one more
     * source), any other gets a card in its place (newest first). Returns the articles that got a card.
     */
    function addArticles(list, live) {
        if (!Array.isArray(list)) return [];
        var added = [];
        var changed = false;
        list.forEach(function (article) {
            if (!article || typeof article !== 'object') return;
            var key = articleKey(article);
            var story = storyKey(article);
            var record = byKey.get(story);
            if (seenArticles.has(key)) {
                if (record && mergeReports(record, article)) renderStory(record);
                return;
            }
            seenArticles.add(key);
            if (record) {
                mergeReports(record, article);
                renderStory(record);
                changed = true;
                return;
            }
            var time = Date.parse(article.published);
            // an article without a date sorts by when it arrived if it came live, else last
            if (isNaN(time)) time = live ? Date.now() : 0;
            record = {
                key: story,
                time: time,
                lead: article,
                reports: new Map(),
                haystack: '',
                node: renderCard(article, time, live)
            };
            mergeReports(record, article);
            renderStory(record);
            insertRecord(record);
            added.push(article);
        });
        while (records.length > MAX_ARTICLES) {
            var dropped = records.pop();
            byKey.delete(dropped.key);
            dropped.node.remove();
        }
        if (added.length || changed) {
            applyFilter();
            updateEmptyState();
        }
        return added;
    }

    /** Each source's article of a story, one per source (the first seen); true if the story gained one. */
    function mergeReports(record, article) {
        var grew = false;
        var own = sourceInfo(text(article.source));
        var entries = [{ source: text(article.source), title: text(article.title), link: article.link,
            bias_rating: own.bias_rating, funding_type: own.funding_type }];
        (Array.isArray(article.also_reported_by) ? article.also_reported_by : []).forEach(function (other) {
            if (other && typeof other === 'object' && typeof other.source === 'string' && other.source) entries.push(other);
        });
        entries.forEach(function (entry) {
            if (!entry.source || record.reports.has(entry.source)) return;
            record.reports.set(entry.source, {
                source: entry.source,
                title: text(entry.title),
                link: safeUrl(entry.link),
                rating: [text(entry.bias_rating), text(entry.funding_type)].filter(function (v) {
                    return v && v !== 'Not rated';
                }).join(' \u00b7 ')
            });
            grew = true;
        });
        return grew;
    }

    function sourceInfo(name) {
        for (var i = 0; i < sources.length; i++) if (sources[i].name === name) return sources[i];
        return { bias_rating: '', funding_type: '' };
    }

    /** The card's story part: "also reported by …" and the expandable list of each source's article. */
    function renderStory(record) {
        var card = record.node;
        var leadSource = text(record.lead.source);
        var others = [];
        record.reports.forEach(function (report) { if (report.source !== leadSource) others.push(report); });
        var titles = [];
        record.reports.forEach(function (report) { titles.push(report.title); });
        record.haystack = (text(record.lead.title) + '\n' + text(record.lead.description) + '\n' + titles.join('\n')
            + '\n' + Array.from(record.reports.keys()).join('\n')).toLowerCase();
        card.setAttribute('data-story-id', text(record.lead.story_id));
        card.setAttribute('data-sources', String(record.reports.size));
        var part = card.querySelector('.card__story');
        if (!others.length) {
            if (part) part.remove();
            return;
        }
        if (!part) {
            part = make('div', 'card__story');
            card.querySelector('.card__body').appendChild(part);
        }
        var expanded = part.getAttribute('data-expanded') === 'true';
        part.textContent = '';
        var also = make('p', 'card__also');
        also.appendChild(make('span', 'card__also-label', 'Also reported by '));
        others.forEach(function (report, i) {
            if (i > 0) also.appendChild(document.createTextNode(', '));
            var who = make('span', 'card__also-source', report.source);
            if (report.rating) who.setAttribute('title', report.rating);
            also.appendChild(who);
            if (report.rating) also.appendChild(make('span', 'card__rating', ' (' + report.rating + ')'));
        });
        part.appendChild(also);

        var listId = 'reports-' + Math.abs(hashOf(record.key));
        var button = make('button', 'card__expand', expanded ? 'Hide sources'
            : 'Show all ' + plural(record.reports.size, 'source', 'sources'));
        button.setAttribute('type', 'button');
        button.setAttribute('aria-expanded', String(expanded));
        button.setAttribute('aria-controls', listId);
        var list = make('ul', 'card__reports');
        list.id = listId;
        list.hidden = !expanded;
        record.reports.forEach(function (report) {
            var item = make('li', 'card__report');
            item.setAttribute('data-source', report.source);
            item.appendChild(make('span', 'card__report-source', report.source));
            if (report.rating) item.appendChild(make('span', 'card__rating', report.rating));
            if (report.link) {
                var a = make('a', 'card__report-link', report.title || report.link);
                a.setAttribute('href', report.link);
                a.setAttribute('target', '_blank');
                a.setAttribute('rel', 'noopener noreferrer');
                item.appendChild(a);
            } else {
                item.appendChild(make('span', 'card__report-link', report.title));
            }
            list.appendChild(item);
        });
        button.addEventListener('click', function () {
            var open = part.getAttribute('data-expanded') !== 'true';
            part.setAttribute('data-expanded', String(open));
            list.hidden = !open;
            button.setAttribute('aria-expanded', String(open));
            button.textContent = open ? 'Hide sources' : 'Show all ' + plural(record.reports.size, 'source', 'sources');
        });
        part.appendChild(button);
        part.appendChild(list);
    }

    function hashOf(value) {
        var hash = 0;
        for (var i = 0; i < value.length; i++) hash = (hash * 31 + value.charCodeAt(i)) | 0;
        return hash;
    }

    function insertRecord(record) {
        // first index whose article is strictly older: equal times keep arrival order, except that a
        // live article goes above its equals, being the one the reader has not seen
        var lo = 0, hi = records.length;
        while (lo < hi) {
            var mid = (lo + hi) >> 1;
            if (records[mid].time > record.time) lo = mid + 1; else hi = mid;
        }
        var next = records[lo];
        records.splice(lo, 0, record);
        byKey.set(record.key, record);
        el.articles.insertBefore(record.node, next ? next.node : null);
    }

    function clearArticles() {
        records = [];
        byKey.clear();
        seenArticles.clear();
        el.articles.textContent = '';
        applyFilter();
        updateEmptyState();
    }

    function renderCard(article, time, live) {
        var card = make('article', 'card');
        var link = safeUrl(article.link);
        card.setAttribute('data-link', link || '');
        var titleText = text(article.title) || 'Untitled';

        var image = safeUrl(article.image);
        var figure = make('div', 'card__media');
        if (image) {
            var img = document.createElement('img');
            img.setAttribute('alt', '');
            img.setAttribute('loading', 'lazy');
            img.setAttribute('decoding', 'async');
            img.setAttribute('referrerpolicy', 'no-referrer');
            img.addEventListener('error', function () {
                img.remove();
                placeholder(card, figure, article);
            });
            img.setAttribute('src', image);
            figure.appendChild(img);
        } else {
            placeholder(card, figure, article);
        }
        card.appendChild(figure);

        var body = make('div', 'card__body');
        var heading = make('h3', 'card__title');
        if (link) {
            var a = make('a', null, titleText);
            a.setAttribute('href', link);
            a.setAttribute('target', '_blank');
            a.setAttribute('rel', 'noopener noreferrer');
            heading.appendChild(a);
        } else {
            heading.appendChild(make('span', null, titleText));
        }
        body.appendChild(heading);

        var meta = make('p', 'card__meta');
        if (article.source) meta.appendChild(make('span', 'card__source', text(article.source)));
        if (article.category) meta.appendChild(make('span', 'card__category', text(article.category)));
        if (time > 0 && !isNaN(Date.parse(article.published))) {
            var when = make('time', 'card__time', relativeTime(time, Date.now()));
            when.setAttribute('datetime', new Date(time).toISOString());
            when.setAttribute('title', new Date(time).toLocaleString());
            meta.appendChild(when);
        }
        if (live) {
            var badge = make('span', 'card__new', 'New');
            meta.insertBefore(badge, meta.firstChild);
            card.classList.add('card--new');
            setTimeout(function () {
                badge.remove();
                card.classList.remove('card--new');
            }, NEW_BADGE_MS);
        }
        body.appendChild(meta);

        var description = text(article.description);
        if (description && description !== NO_DESCRIPTION) body.appendChild(make('p', 'card__desc', description));
        card.appendChild(body);
        return card;
    }

    /** No picture: a tinted panel with the source's name keeps the grid's rows even (decorative only). */
    function placeholder(card, figure, article) {
        card.classList.add('card--no-image');
        figure.classList.add('card__media--placeholder');
        figure.setAttribute('aria-hidden', 'true');
        var name = text(article.source) || text(article.category) || 'news';
        var hash = 0;
        for (var i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
        figure.setAttribute('data-tint', String(hash % 6));
        figure.textContent = name;
    }

    function refreshTimes() {
        var now = Date.now();
        el.articles.querySelectorAll('time[datetime]').forEach(function (node) {
            var label = relativeTime(Date.parse(node.getAttribute('datetime')), now);
            if (node.textContent !== label) node.textContent = label;
        });
    }

    function applyFilter() {
        var shown = 0;
        records.forEach(function (record) {
            var match = !query || record.haystack.indexOf(query) >= 0;
            if (record.node.hidden === match) record.node.hidden = !match;
            if (match) shown++;
        });
        var total = records.length;
        el.articleCount.textContent = total === 0 ? 'No articles yet'
            : query ? 'Showing ' + shown + ' of ' + plural(total, 'story', 'stories')
                : plural(total, 'story', 'stories') + ' from ' + plural(seenArticles.size, 'article', 'articles');
        return shown;
    }

    function updateEmptyState() {
        var message = '';
        if (records.length === 0) {
            message = phase === 'complete' ? 'No articles in this category yet.'
                : 'Articles appear here as the sources answer.';
        } else if (query && !records.some(function (r) { return !r.node.hidden; })) {
            message = 'No loaded article matches \u201C' + el.search.value.trim() + '\u201D.';
        }
        el.emptyState.textContent = message;
        el.emptyState.hidden = !message;
    }

    // ------------------------------------------------------------------ categories, search, start

    /** GET url as JSON; a failure (a network blip, a 5xx) is tried again twice, 2 s and 4 s later. */
    function loadJson(url, attempt) {
        attempt = attempt || 0;
        return fetch(url, { headers: { Accept: 'application/json' } }).then(function (response) {
            if (!response.ok) throw new Error(url + ' answered ' + response.status);
            return response.json();
        }).catch(function (error) {
            if (attempt >= 2) throw error;
            return new Promise(function (resolve) { setTimeout(resolve, 2000 * (attempt + 1)); })
                .then(function () { return loadJson(url, attempt + 1); });
        });
    }

    function loadCategories() {
        loadJson('news/categories').then(function (data) {
            var list = data && Array.isArray(data.categories) ? data.categories : [];
            list.forEach(function (name) {
                if (typeof name !== 'string' || !name) return;
                if (Array.prototype.some.call(el.category.options, function (o) { return o.value === name; })) return;
                var option = make('option', null, name);
                option.value = name;
                el.category.appendChild(option);
            });
            el.category.value = category;
        }).catch(function () {
            // the select keeps "All categories" (and the one from the address); the stream still works
        });
    }

    function loadSources() {
        loadJson('news/sources').then(function (list) {
            sources = (Array.isArray(list) ? list : []).filter(function (s) {
                return s && typeof s.name === 'string';
            }).map(function (s) {
                return { name: s.name, category: text(s.category), bias_rating: text(s.bias_rating),
                    funding_type: text(s.funding_type) };
            });
            if (phase === 'streaming') {
                // the stream started before the list came: show the sources that have not answered yet
                sources.forEach(function (s) {
                    if ((!category || s.category === category) && !sourceRows.has(s.name)) setSource(s.name, 'pending', 'waiting');
                });
            }
        }).catch(function () {
            // sources then show up as they answer
        });
    }

    // ------------------------------------------------------------------ OPML import

    var IMPORT_LABELS = { added: 'added', duplicate: 'already there', unreachable: 'unreachable',
        not_a_feed: 'not a feed', invalid: 'invalid URL', failed: 'failed' };
    var importEvents = null;

    function startImport(event) {
        event.preventDefault();
        var file = el.importFile.files && el.importFile.files[0];
        if (!file) return;
        var headers = { Accept: 'application/json', 'Content-Type': 'text/x-opml' };
        var token = el.importToken.value.trim();
        if (token) headers.Authorization = 'Bearer ' + token;
        el.importStart.disabled = true;
        el.importList.textContent = '';
        el.importProgress.hidden = false;
        el.importBar.value = 0;
        el.importStatus.textContent = 'Uploading ' + file.name + '…';
        el.importProgress.setAttribute('data-state', 'uploading');
        fetch('sources/import', { method: 'POST', headers: headers, body: file }).then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (body) {
                if (response.status !== 202) throw new Error(text(body.detail) || ('the server answered ' + response.status));
                followImport(body);
            });
        }).catch(function (error) {
            el.importStatus.textContent = 'Import refused: ' + text(error.message);
            el.importProgress.setAttribute('data-state', 'error');
            el.importStart.disabled = false;
        });
    }

    function followImport(report) {
        showImport(report);
        if (importEvents) importEvents.close();
        importEvents = new EventSource('sources/import/' + encodeURIComponent(report.id) + '/events');
        importEvents.addEventListener('import_status', function (e) {
            var data = parse(e);
            if (data && data.report) showImport(data.report);
        });
        importEvents.addEventListener('feed', function (e) {
            var data = parse(e);
            if (!data || !data.feed) return;
            showFeed(data.feed);
            showImportCounts(data.checked, data.total, null);
        });
        importEvents.addEventListener('import_complete', function (e) {
            var data = parse(e) || {};
            showImportCounts(data.total, data.total, data.counts);
            el.importProgress.setAttribute('data-state', 'complete');
            importEvents.close();
            importEvents = null;
            el.importStart.disabled = false;
            loadSources();
            loadCategories();
        });
    }

    function showImport(report) {
        el.importProgress.setAttribute('data-state', report.status === 'complete' ? 'complete' : 'running');
        (Array.isArray(report.feeds) ? report.feeds : []).forEach(function (feed) {
            if (feed && feed.result !== 'checking') showFeed(feed);
        });
        showImportCounts(report.checked, report.total, report.status === 'complete' ? report.counts : null);
        if (report.status === 'complete') el.importStart.disabled = false;
    }

    function showFeed(feed) {
        var id = 'import-feed-' + feed.index;
        var row = document.getElementById(id);
        if (!row) {
            row = make('li', 'source');
            row.id = id;
            row.appendChild(make('span', 'source__name', text(feed.name) || (feed.urls || [])[0] || ''));
            row.appendChild(make('span', 'source__detail'));
            el.importList.appendChild(row);
        }
        row.setAttribute('data-result', text(feed.result));
        var label = (IMPORT_LABELS[feed.result] || text(feed.result)) + (feed.detail ? ': ' + text(feed.detail) : '');
        row.querySelector('.source__detail').textContent = label;
        row.title = label;
    }

    function showImportCounts(checked, total, counts) {
        var pct = total ? Math.round(100 * checked / total) : 100;
        el.importBar.value = pct;
        el.importBar.textContent = pct + ' %';
        var message = checked + ' of ' + plural(total || 0, 'feed', 'feeds') + ' checked';
        if (counts) {
            var parts = [];
            Object.keys(IMPORT_LABELS).forEach(function (k) { if (counts[k]) parts.push(counts[k] + ' ' + IMPORT_LABELS[k]); });
            message = 'Import complete: ' + (parts.length ? parts.join(', ') : 'nothing to import');
        }
        el.importStatus.textContent = message;
    }

    function categoryFromAddress() {
        try {
            return new URLSearchParams(location.search).get('category') || '';
        } catch (e) {
            return '';
        }
    }

    function rememberCategory() {
        try {
            var url = new URL(location.href);
            if (category) url.searchParams.set('category', category); else url.searchParams.delete('category');
            history.replaceState(null, '', url.href);
        } catch (e) {
            // file:// and sandboxed frames may refuse; the address is a convenience only
        }
    }

    function switchCategory(value) {
        if (value === category) return;
        category = value;
        rememberCategory();
        closeStream();
        clearArticles();
        lastKnownStats.clear();
        sourceRows.forEach(function (row) { row.remove(); });
        sourceRows.clear();
        updateSourceSummary();
        setProgress({ completed: 0, total: 0, percentage: 0 }, 'Waiting for the stream…');
        retryDelay = RETRY_FIRST_MS;
        openStream();
    }

    function start() {
        el = {
            main: document.getElementById('main'),
            connection: document.getElementById('connection'),
            connectionState: document.getElementById('connection-state'),
            connectionDetail: document.getElementById('connection-detail'),
            retry: document.getElementById('retry'),
            category: document.getElementById('category'),
            search: document.getElementById('search'),
            filters: document.getElementById('filters'),
            progress: document.getElementById('progress'),
            progressText: document.getElementById('progress-text'),
            sourcesDetails: document.getElementById('sources-details'),
            sourcesSummary: document.getElementById('sources-summary'),
            sourceList: document.getElementById('source-list'),
            articles: document.getElementById('articles'),
            articleCount: document.getElementById('article-count'),
            emptyState: document.getElementById('empty-state'),
            announcer: document.getElementById('announcer'),
            importForm: document.getElementById('import-form'),
            importFile: document.getElementById('import-file'),
            importToken: document.getElementById('import-token'),
            importStart: document.getElementById('import-start'),
            importProgress: document.getElementById('import-progress'),
            importBar: document.getElementById('import-bar'),
            importStatus: document.getElementById('import-status'),
            importList: document.getElementById('import-list')
        };
        el.importForm.addEventListener('submit', startImport);
        category = categoryFromAddress();
        if (category) {
            var option = make('option', null, category);
            option.value = category;
            el.category.appendChild(option);
            el.category.value = category;
        }
        // the source list is a sidebar on wide screens and folded away on phones
        el.sourcesDetails.open = window.matchMedia('(min-width: 56rem)').matches;

        el.category.addEventListener('change', function () { switchCategory(el.category.value); });
        el.search.addEventListener('input', function () {
            query = el.search.value.trim().toLowerCase();
            applyFilter();
            updateEmptyState();
        });
        el.filters.addEventListener('submit', function (event) { event.preventDefault(); });
        el.retry.addEventListener('click', function () {
            retryDelay = RETRY_FIRST_MS;
            openStream();
        });
        window.addEventListener('online', function () {
            if (el.connection.getAttribute('data-state') === 'error') openStream();
        });
        window.addEventListener('pagehide', closeStream);
        setInterval(refreshTimes, TIME_REFRESH_MS);

        loadCategories();
        loadSources();
        updateEmptyState();
        openStream();
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
})();
