// Tests build and mutate loose JSON documents (the YAML config, recorded Web API arguments) by
// path; typing every path would only restate the schemas the code under test validates.
// biome-ignore lint/suspicious/noExplicitAny: a loose JSON document, read and mutated freely by tests
export type Doc = Record<string, any>;
