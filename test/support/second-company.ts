import Database from 'better-sqlite3';
import { ha1 } from '../pbx/crypto/ha1';

/**
 * A second company on a running test PBX (the seed holds one company, and neither the seed nor the
 * admin/provider API creates companies): "Andere AG" with extensions 301 and 302, written into the
 * fixture's own database file. The PBX reads companies and extensions from the database on every
 * request (no cache besides HA1s, and 301/302 were never looked up), so they take effect at once.
 *
 * `overlap` widens the demo company's internal range to 300–399 as well — a dial plan that claims
 * another company's numbers — so that the company check, not the dial plan, is what keeps a
 * transfer or a watcher inside its company.
 */
export const OTHER_COMPANY = {
  id: 'andere-ag',
  first: { number: '301', password: 'other-pass-301', name: 'Andere Zentrale' },
  second: { number: '302', password: 'other-pass-302', name: 'Andere Werkstatt' },
} as const;

export function addSecondCompany(databasePath: string, realm: string, options: { overlap?: boolean } = {}) {
  const db = new Database(databasePath);
  try {
    db.pragma('busy_timeout = 5000');
    db.transaction(() => {
      const dialPlan = {
        country: 'DE',
        internalRanges: [{ from: '300', to: '399' }],
        ivrApps: [],
        emergencyNumbers: ['110', '112'],
        tollFreePrefixes: ['+49800'],
      };
      db.prepare('INSERT INTO companies (id, name, dial_plan) VALUES (?, ?, ?)').run(
        OTHER_COMPANY.id,
        'Andere AG',
        JSON.stringify(dialPlan),
      );
      for (const extension of [OTHER_COMPANY.first, OTHER_COMPANY.second]) {
        db.prepare(
          `INSERT INTO extensions (number, company_id, display_name, language, ha1_md5, ha1_sha256, ivr_authentication)
             VALUES (?, ?, ?, 'de', ?, ?, 0)`,
        ).run(
          extension.number,
          OTHER_COMPANY.id,
          extension.name,
          ha1('MD5', extension.number, realm, extension.password),
          ha1('SHA-256', extension.number, realm, extension.password),
        );
        db.prepare("INSERT INTO extension_products (extension, product_id) VALUES (?, 'cloudpbx-basic')").run(
          extension.number,
        );
      }
      if (options.overlap) {
        const row = db.prepare("SELECT dial_plan FROM companies WHERE id = 'muster-gmbh'").get() as {
          dial_plan: string;
        };
        const plan = JSON.parse(row.dial_plan) as { internalRanges: { from: string; to: string }[] };
        plan.internalRanges.push({ from: '300', to: '399' });
        db.prepare("UPDATE companies SET dial_plan = ? WHERE id = 'muster-gmbh'").run(JSON.stringify(plan));
      }
    })();
  } finally {
    db.close();
  }
}

/** Moves extension `number` to company `companyId` in the fixture's database (an admin's change). */
export function moveExtension(databasePath: string, number: string, companyId: string): void {
  const db = new Database(databasePath);
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('UPDATE extensions SET company_id = ? WHERE number = ?').run(companyId, number);
  } finally {
    db.close();
  }
}
