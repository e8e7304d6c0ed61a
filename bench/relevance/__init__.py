"""Search relevance evaluation: a judged corpus, judged queries and a runner (see README.md)."""
