"""What adr keeps: the hash-chained audit log (secrets redacted), run records, replay, reports, export."""
