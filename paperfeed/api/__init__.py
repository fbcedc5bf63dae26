"""The JSON API: the Hugging Face papers API's shape (so its client works) and what it lacks."""
