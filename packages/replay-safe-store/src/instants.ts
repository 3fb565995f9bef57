/** The earlier/later of two ISO-8601 instants, compared as times (offsets differ in their text). */
export const earlier = (a: string | undefined, b: string): string => (a !== undefined && Date.parse(a) <= Date.parse(b) ? a : b);
export const later = (a: string | undefined, b: string): string => (a !== undefined && Date.parse(a) >= Date.parse(b) ? a : b);
