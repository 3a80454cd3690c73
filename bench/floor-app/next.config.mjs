// The bench links the repo's node_modules into the build dir: the bundler's root must include it.
const config = { turbopack: { root: "/" } };

export default config;
