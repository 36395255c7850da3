import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Layering (issue: one seam for what comes next): the data plane never imports the control plane, and filters see
// sessions and messages, never the transport.
const dataPlane = ["src/proxy/**", "src/filters/**", "src/tenancy/**", "src/session/**", "src/upstream/**", "src/observe/**", "src/runtime/**", "src/protocol/**"];
const noControlPlane = { group: ["**/control/*", "**/control/**"], message: "the data plane must not import the control plane (src/control/)" };
const noTransport = { group: ["**/proxy/*", "**/proxy/**"], message: "filters see a Session and messages, never the transport (src/proxy/)" };

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".cache/", "src/protocol/messages/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  { files: dataPlane, rules: { "no-restricted-imports": ["error", { patterns: [noControlPlane] }] } },
  { files: ["src/filters/**", "src/tenancy/**", "src/session/**"], rules: { "no-restricted-imports": ["error", { patterns: [noControlPlane, noTransport] }] } },
);
