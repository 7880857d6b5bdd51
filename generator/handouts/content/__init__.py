"""Content: YAML files read with their locations, validated against a schema, viewed per audience."""
