"""Minutes of BTI meetings from templates, written during the meeting, and the meeting-room
display (SPEC §3.2.2, §3.3.1, §3.8)."""
