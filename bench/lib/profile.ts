import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): where the samples landed, by function and by
 * area (a package, a project folder, Node's own code, garbage collection, idle).
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  /** Share of the busy (non-idle) time, in percent. */
  selfPercent: number;
  /** Share of the busy time spent in it or below it, in percent. */
  totalPercent: number;
}
export interface ProfileSummary {
  /** Wall time the profile covers, in ms. */
  durationMs: number;
  /** Share of that time the thread was busy, in percent. */
  busyPercent: number;
  byArea: ProfileEntry[];
  byFunction: ProfileEntry[];
}

/** Where a frame's code lives: `ws`, `werift`, `project:test/pbx/sip`, `node:internal`, `(gc)` … */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return '(garbage collection)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(V8 and native code)';
    return `(native) ${functionName}`;
  }
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const project = /\/(test\/pbx\/[^/]+|shared\/[^/]+|renderer\/src\/[^/]+|bench)\//.exec(url);
  if (project?.[1]) return project[1];
  return url.replace(/^file:\/\//, '');
}

function functionKey(frame: CallFrame): string {
  const file = frame.url.replace(/^file:\/\/.*?\/(node_modules\/|test\/|shared\/|renderer\/)/, '$1');
  return `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
}

export function summariseProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  let total = 0;
  let idle = 0;
  for (const [id, time] of selfTime) {
    total += time;
    if (byId.get(id)?.callFrame.functionName === '(idle)') idle += time;
  }
  const busy = Math.max(total - idle, 1);

  const areaSelf = new Map<string, number>();
  const areaTotal = new Map<string, number>();
  const functionSelf = new Map<string, number>();
  const functionTotal = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const area = areaOf(node.callFrame);
    areaSelf.set(area, (areaSelf.get(area) ?? 0) + time);
    const key = functionKey(node.callFrame);
    functionSelf.set(key, (functionSelf.get(key) ?? 0) + time);
    // Inclusive time: every distinct function and area on the stack gets this sample once.
    const seenFunctions = new Set<string>();
    const seenAreas = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      seenFunctions.add(functionKey(frame));
      seenAreas.add(areaOf(frame));
    }
    for (const name of seenFunctions) functionTotal.set(name, (functionTotal.get(name) ?? 0) + time);
    for (const name of seenAreas) areaTotal.set(name, (areaTotal.get(name) ?? 0) + time);
  }
  const percent = (value: number) => Math.round((value / busy) * 1000) / 10;
  const entries = (self: Map<string, number>, inclusive: Map<string, number>) =>
    [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({
        name,
        selfPercent: percent(time),
        totalPercent: percent(inclusive.get(name) ?? time),
      }));
  return {
    durationMs: Math.round((profile.endTime - profile.startTime) / 1000),
    busyPercent: Math.round(((total - idle) / Math.max(total, 1)) * 1000) / 10,
    byArea: entries(areaSelf, areaTotal),
    byFunction: entries(functionSelf, functionTotal),
  };
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

/** Set TOLLGATE_BENCH_PROFILE=1 (npm run bench:profile) to profile the PBX under load. */
export const profiling = () => Boolean(process.env['TOLLGATE_BENCH_PROFILE']);

/** Profiles `work` in this process (V8's sampling profiler through the inspector). */
export async function profileInProcess<T>(
  work: () => Promise<T>,
): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile: profile as unknown as CpuProfile };
  } finally {
    session.disconnect();
  }
}

/**
 * The main thread's profile that `node --cpu-prof --cpu-prof-dir=directory` wrote on exit (the
 * busiest file: tsx adds a loader thread with its own). Waits up to `timeoutMs` for the process to
 * write it.
 */
export async function waitForProfile(directory: string, timeoutMs = 15_000): Promise<CpuProfile | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const files = existsSync(directory)
      ? readdirSync(directory).filter((name) => name.endsWith('.cpuprofile'))
      : [];
    if (files.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 500)); // let every thread finish writing
      const profiles = files.map((name) => readProfile(join(directory, name)));
      const busy = (profile: CpuProfile) => summariseProfile(profile, 0).busyPercent;
      return profiles.sort((a, b) => busy(b) - busy(a))[0] ?? null;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return null;
}
