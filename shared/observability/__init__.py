"""Following a fact through the services (W3C trace context in the CloudEvents) and counting what they do
(Prometheus metrics on every service)."""
