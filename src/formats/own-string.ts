// Strings a record keeps must not be views into the text they were read from.
//
// V8 keeps a substring of 13 or more characters (`slice`, a regex group, `trim`) as a view that
// points into its parent: a whole line, itself a view into the 32 KiB piece the line splitter
// decoded. A record keeping such a type name or annotation pins that piece as long as the record
// lives (a 1 GiB /proc/iomem of "ACPI Non-volatile Storage" lines peaked at 1.2 GB). Concatenating
// and slicing again flattens into a new string of the substring's own length.
const VIEW_MIN = 13;

/** `s` as a string that shares no memory with the text it was cut from. */
export const ownString = (s: string): string => (s.length < VIEW_MIN ? s : (' ' + s).slice(1));
