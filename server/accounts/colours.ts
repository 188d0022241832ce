/** Marker colours given to accounts in the order they are added (the person can change them). */
const PALETTE = ['#3b6fd4', '#d4603b', '#2f9e5b', '#9b4fc9', '#c9a227', '#2a9bb0', '#c94f7c', '#6b7a8f'] as const;

export function defaultColour(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}
