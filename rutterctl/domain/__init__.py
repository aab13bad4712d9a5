"""Pure domain: lifecycle stages, batches, reasons and the use cases, with an injected clock."""
