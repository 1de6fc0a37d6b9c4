import { describe, expect, it } from "vitest";
import { splitReference, withReference } from "../../src/connectors/copy-reference";

describe("the short copy marker", () => {
  it("is read back apart from the notes it was written with", () => {
    for (const notes of ["", "Cabling", "Two\nlines", "ends with a newline\n"]) {
      expect(splitReference(withReference(notes, "tel_01abc"))).toEqual({ notes, reference: "tel_01abc" });
    }
  });

  it("is found only where Lockstep writes it: alone on the last line", () => {
    expect(splitReference("Customer quoted [Lockstep tel_01abc] in a mail").reference).toBeNull();
    expect(splitReference("[Lockstep tel_01abc]\nthen more").reference).toBeNull();
    expect(splitReference("Plain notes")).toEqual({ notes: "Plain notes", reference: null });
    expect(withReference("Plain notes", null)).toBe("Plain notes");
  });

  it("reads back any text exactly as it was, marker or not", () => {
    for (const text of ["", "x", "\n[Lockstep tel_01abc]", "a\n[Lockstep tel_01abc]", "[Lockstep tel_01abc]", "a\n[Lockstep TEL_01abc]"]) {
      const { notes, reference } = splitReference(text);
      expect(withReference(notes, reference)).toBe(text);
    }
  });
});
