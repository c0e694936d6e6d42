"""The use cases both front ends call: each change checks policy once, writes, audits, dates."""
