// `ept-plan --json` spans cut down to what the independent oracle (test/oracle/oracle.mjs) writes:
// bounds, pages (gaps), memory type and, for a "mixed" span, its typed pieces.
interface Pages { '4K': number; '2M': number; '1G': number }
export interface OraclePiece { start: string; end: string; memoryType: string; pages: Pages }
interface TypedSpan { start: string; end: string; memoryType: string; pieces?: OraclePiece[] }
export interface OracleGap extends TypedSpan { pages: Pages }

export const oracleRam = ({ start, end, memoryType, pieces }: TypedSpan): TypedSpan => ({ start, end, memoryType, ...(pieces ? { pieces } : {}) });
export const oracleGap = (g: OracleGap): OracleGap => ({ ...oracleRam(g), pages: g.pages });
