"""Tell people: campaign audiences and the one builder of ``notifications.send_batch`` payloads."""
