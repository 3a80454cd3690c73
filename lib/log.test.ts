import { describe, expect, it } from "vitest";
import { redactKeys } from "./log";

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
