import { z } from "zod";

/** Each way a pasted key can be wrong gets its own message: the operator should know what to fix. */
export const operatorKeySchema = z
  .string({ error: "Enter the operator API key." })
  .transform((value) => value.trim())
  .superRefine((key, context) => {
    const problem = keyProblem(key);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

function keyProblem(key: string): string | null {
  if (key.length === 0) return "Enter the operator API key.";
  if (key.length > 200)
    return `That is ${key.length.toLocaleString("en")} characters: too long to be an API key (200 at most). Check what was pasted.`;
  if (/\s/.test(key)) return "An API key has no spaces or line breaks inside it. Check what was pasted.";
  if (!/^[\x21-\x7e]+$/.test(key))
    return "An API key uses only plain letters, digits, “_” and “-”; this one has other characters.";
  if (!/^[A-Za-z0-9_-]+$/.test(key)) return "An API key uses only letters, digits, “_” and “-”.";
  if (key.length < 10) return "That is too short to be an API key (10 characters at least).";
  return null;
}
