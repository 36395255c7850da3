// The console's entry (index.html loads it): the app, with the admin API's query cache.
import { QueryClientProvider } from "@tanstack/preact-query";
import { render } from "preact";
import { App } from "./app.js";
import "./console.css";
import { queryClient } from "./queries.js";

render(
  <QueryClientProvider client={queryClient}>
    <App />
  </QueryClientProvider>,
  document.getElementById("app")!,
);
