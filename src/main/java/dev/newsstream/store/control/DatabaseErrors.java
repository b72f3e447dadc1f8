package dev.newsstream.store.control;

import java.sql.SQLException;

/** Tells a database's refusal of the data (skip the row) from a database that is not there (wait for it). */
final class DatabaseErrors {

    private DatabaseErrors() {
    }

    /**
     * True if the chain holds an SQL error of class 22 (data exception: value too long, bad encoding,
     * invalid value) or 23 (integrity constraint violation: CHECK, NOT NULL, unique), which both H2 and
     * PostgreSQL report by the standard's SQLSTATE. Timeouts, lost connections and the like are not.
     */
    static boolean isDataError(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 12; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    String state = s.getSQLState();
                    if (state != null && (state.startsWith("22") || state.startsWith("23"))) return true;
                }
            }
        }
        return false;
    }
}
