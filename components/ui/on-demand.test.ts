import { describe, expect, it } from "vitest";
import { onDemand } from "./on-demand";

/** A download the test settles by hand, counting how often it was started. */
function controlledDownload() {
  const attempts: { resolve: (module: { name: string }) => void; reject: (error: Error) => void }[] = [];
  const download = () => new Promise<{ name: string }>((resolve, reject) => attempts.push({ resolve, reject }));
  return { attempts, download };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("onDemand", () => {
  it("downloads once however often it is asked, and holds the module when it arrives", async () => {
    const { attempts, download } = controlledDownload();
    const part = onDemand(download);
    expect(part.current()).toEqual({ status: "idle" });
    part.load();
    part.load();
    part.retry();
    expect(attempts).toHaveLength(1);
    expect(part.current()).toEqual({ status: "loading", retrying: false });
    attempts[0]?.resolve({ name: "menu" });
    await settled();
    expect(part.current()).toEqual({ status: "ready", module: { name: "menu" } });
    part.load();
    expect(attempts).toHaveLength(1);
  });

  it("a failed download is a state, not a throw, and the next ask downloads again", async () => {
    const { attempts, download } = controlledDownload();
    const part = onDemand(download);
    part.load();
    attempts[0]?.reject(new Error("ChunkLoadError"));
    await settled();
    expect(part.current()).toEqual({ status: "failed" });
    part.retry();
    expect(attempts).toHaveLength(2);
    expect(part.current()).toEqual({ status: "loading", retrying: true });
    attempts[1]?.reject(new Error("ChunkLoadError"));
    await settled();
    expect(part.current()).toEqual({ status: "failed" });
    // A pointer passing over the trigger after a failure tries again, without claiming to retry what the user saw.
    part.load();
    expect(part.current()).toEqual({ status: "loading", retrying: false });
    attempts[2]?.resolve({ name: "menu" });
    await settled();
    expect(part.current()).toMatchObject({ status: "ready" });
  });
});
