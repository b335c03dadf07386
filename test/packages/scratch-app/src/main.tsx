// The scratch app's page: the README's React and vanilla snippets on one job (?job=ID), and its job list.
import { createRoot } from "react-dom/client";
import { ExportList } from "./export-list";
import { ExportProgress } from "./export-progress";
import { watchExport } from "./watch-export";

const jobId = new URLSearchParams(location.search).get("job")!;
createRoot(document.getElementById("react")!).render(<ExportProgress jobId={jobId} />);
watchExport(jobId, document.getElementById("vanilla")!);
createRoot(document.getElementById("list")!).render(<ExportList />);
