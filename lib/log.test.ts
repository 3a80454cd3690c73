import { describe, expect, it } from "vitest";
import { createLogger, readLogFormat, redactKeys, withLogContext } from "./log";

describe("redactKeys", () => {
  it("removes operator and agent keys wherever they stand", () => {
    const text = "rotated agent_0123456789abcdef0123456789abcdef for lf_fedcba9876543210fedcba9876543210.";
    expect(redactKeys(text)).toBe("rotated agent_[redacted] for lf_[redacted].");
  });

  it("leaves ordinary words alone", () => {
    expect(redactKeys("half_done agent list")).toBe("half_done agent list");
  });
});

describe("redactKeys, harder cases", () => {
  const key = "lf_fedcba9876543210fedcba9876543210";

  it("removes a URL-encoded key", () => {
    const line = `POST body=%7B%22action%22%3A%22whoami%22%2C%22api_key%22%3A%22${key}%22%7D and %22agent_0123456789abcdef%22`;
    const redacted = redactKeys(line);
    expect(redacted).not.toContain("fedcba98");
    expect(redacted).not.toContain("0123456789abcdef");
    expect(redacted).toContain("%22action%22%3A%22whoami%22");
  });

  it("removes a key without a known prefix from a field named like a key", () => {
    const secret = "Zx9QmT4vB7nK2pL8wR3s";
    for (const line of [
      `{"api_key":"${secret}"}`,
      `{\\"operatorKey\\": \\"${secret}\\"}`,
      `x-api-key: ${secret}`,
      `Authorization: Bearer ${secret}`,
      `url?token=${secret}&page=2`,
      `api_key%22%3A%22${secret}%22`,
      `SESSION_SECRET=${secret}`,
      `recovery_code=${secret}`,
    ]) {
      const redacted = redactKeys(line);
      expect(redacted, line).not.toContain(secret);
      expect(redacted, line).toContain("[redacted]");
    }
    expect(redactKeys(`url?token=${secret}&page=2`)).toBe("url?token=[redacted]&page=2");
  });

  it("keeps short values and messages readable", () => {
    expect(redactKeys("could not rotate key: timeout")).toBe("could not rotate key: timeout");
    expect(redactKeys('{"error_code":"invalid_key","status":401}')).toBe('{"error_code":"invalid_key","status":401}');
  });
});

describe("the logger (pino), one JSON object per line", () => {
  const key = "lf_fedcba9876543210fedcba9876543210";
  const capture = (format: "json" | "pretty" = "json") => {
    const lines: string[] = [];
    const logger = createLogger({ format, destination: (text) => lines.push(text) });
    return { logger, lines };
  };

  it("writes time, level, message, instance and the event's fields", () => {
    const { logger, lines } = capture();
    logger.info({ action: "rotate_agent_key", outcome: "ok" }, "change finished");
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith("\n")).toBe(true);
    const line = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expect(line).toMatchObject({ level: "info", msg: "change finished", action: "rotate_agent_key", outcome: "ok" });
    expect(typeof line.instance).toBe("string");
    expect(new Date(String(line.time)).toISOString()).toBe(line.time);
  });

  it("adds the request id and operator id of withLogContext", () => {
    const { logger, lines } = capture();
    withLogContext({ requestId: "req-123" }, () => withLogContext({ operatorId: 42 }, () => logger.warn("inside")));
    logger.warn("outside");
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ requestId: "req-123", operatorId: 42, msg: "inside" });
    expect(JSON.parse(lines[1] ?? "")).not.toHaveProperty("requestId");
  });

  it("redacts keys in the message, in fields, in key-named fields and URL-encoded, and stays JSON", () => {
    const secret = "Zx9QmT4vB7nK2pL8wR3s";
    const { logger, lines } = capture();
    logger.error(
      {
        err: { type: "Error", message: `whoami failed for ${key}` },
        operatorKey: secret,
        url: `https://x/?api_key%3D${secret}`,
      },
      `rotated agent_0123456789abcdef0123 for ${key}`,
    );
    logger.info({ token: secret, encoded: `%22${key}%22` }, "fields");
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect(line).not.toContain("fedcba98");
      expect(line).not.toContain(secret);
      expect(line).not.toContain("0123456789abcdef");
      expect(line).toContain("[redacted]");
    }
  });

  it("withholds a line whose redaction would break its JSON", () => {
    const { logger, lines } = capture();
    logger.info({ api_key: 123456789012345 }, "numbers");
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      msg: "a log line was withheld: its redaction did not leave valid JSON",
    });
  });

  it("LOG_FORMAT=pretty writes one readable, redacted line", () => {
    const { logger, lines } = capture("pretty");
    withLogContext({ requestId: "req-9" }, () => logger.info({ outcome: "ok" }, `rotated ${key}`));
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  rotated lf_\[redacted\] requestId=req-9 outcome=ok\n$/);
  });

  it("reads LOG_FORMAT: json or pretty, pretty by default only in development, anything else refused", () => {
    expect(readLogFormat({})).toBe("json");
    expect(readLogFormat({ NODE_ENV: "development" })).toBe("pretty");
    expect(readLogFormat({ NODE_ENV: "development", LOG_FORMAT: "JSON" })).toBe("json");
    expect(readLogFormat({ LOG_FORMAT: "pretty" })).toBe("pretty");
    expect(() => readLogFormat({ LOG_FORMAT: "xml" })).toThrow('LOG_FORMAT must be "json" or "pretty"; got "xml".');
  });
});
