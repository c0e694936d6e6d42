"""The project model read through infra: relay.toml, environments, env files, specs."""
