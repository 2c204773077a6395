"""The event stream: a Kafka-protocol broker (veil.stream.broker), the product's side that sends events
(veil.stream.produce), and the ingest that anonymizes them on arrival with the staging model's own compiled
SQL and lands them in the event-date partitions the marts read (veil.stream.source, veil.stream.ingest)."""
