"""French wording rendered from structured facts (layer 6): the call list's reasons, talking
points and labels shared by the report's tables and charts."""
