"""One digit per picture: its inputs, or why there is none, and many pictures at once."""
