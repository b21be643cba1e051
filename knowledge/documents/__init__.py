"""The document model and its one rule set: Markdown files with YAML front matter, FAQ entries
and procedures with named sections. The bottom of the knowledge layers: it imports none of them."""
