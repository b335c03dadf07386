/**
 * The React hook for a batch: `const { batch, jobs, connection } = useExportBatch(id, token)`.
 * Re-subscribes only when the batch id changes; a token function is read
 * afresh on every reconnect.
 */
import { useEffect, useRef, useState } from "react";
import type { BatchMember, BatchView } from "@export-tracker/protocol";
import { INITIAL_BATCH_STATE, type BatchViewState } from "../batch-state";
import type { ConnectionState } from "../live-socket";
import { subscribeToBatch } from "../subscribe-batch";
import type { TokenSource } from "../subscribe-job";

export interface ExportBatchView {
  batch: BatchView | null;
  jobs: BatchMember[];
  seq: number;
  connection: ConnectionState;
  error: BatchViewState["error"];
}

export function useExportBatch(batchId: string, token: TokenSource, options: { baseUrl?: string } = {}): ExportBatchView {
  const [state, setState] = useState<BatchViewState>(INITIAL_BATCH_STATE);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const tokenRef = useRef(token);
  tokenRef.current = token;

  useEffect(() => {
    setState(INITIAL_BATCH_STATE);
    return subscribeToBatch({
      batchId,
      baseUrl: options.baseUrl,
      token: () => (typeof tokenRef.current === "string" ? tokenRef.current : tokenRef.current()),
      onState: setState,
      onConnection: setConnection,
    });
  }, [batchId, options.baseUrl]);

  return { batch: state.batch, jobs: state.jobs, seq: state.seq, connection, error: state.error };
}
