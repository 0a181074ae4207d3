"""Development-only pages (404 outside development)."""
