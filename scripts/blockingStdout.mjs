// Preloaded by scripts/test.mjs. node --test runs each file in a child that streams its verdicts to
// the runner over stdout, a pipe; under --test-force-exit the child exits before its queued pipe
// writes are flushed, and the runner silently counts fewer tests, with exit 0 (nodejs/node#64833;
// a failing test still fails its file). A blocking stdout in the children loses nothing.
if (process.env.NODE_TEST_CONTEXT) process.stdout._handle?.setBlocking?.(true);
