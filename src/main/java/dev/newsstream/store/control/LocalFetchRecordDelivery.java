package dev.newsstream.store.control;

import dev.newsstream.store.entity.FetchRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** One instance: a record is applied to this instance's memory at once, on the fetching thread. */
@ApplicationScoped
public class LocalFetchRecordDelivery implements FetchRecordDelivery {

    @Inject
    FetchRecordApplier applier;

    @Override
    public void deliver(FetchRecord record) {
        applier.apply(record);
    }
}
