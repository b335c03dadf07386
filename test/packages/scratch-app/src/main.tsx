// The scratch app's page: the README's React snippet and vanilla snippet on one job (?job=ID).
import { createRoot } from "react-dom/client";
import { ExportProgress } from "./export-progress";
import { watchExport } from "./watch-export";

const jobId = new URLSearchParams(location.search).get("job")!;
createRoot(document.getElementById("react")!).render(<ExportProgress jobId={jobId} />);
watchExport(jobId, document.getElementById("vanilla")!);
