import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderTablesDoc } from './renderTablesDoc.js';

const docsPage = new URL('../../docs/tables.md', import.meta.url);

describe('docs/tables.md', () => {
  it('is the page generated from the table schemas', async () => {
    const page = await readFile(docsPage, 'utf8');
    expect(
      page,
      'regenerate: node -e "import(\'./dist/tables/renderTablesDoc.js\').then(m=>process.stdout.write(m.renderTablesDoc()))" > docs/tables.md',
    ).toBe(renderTablesDoc());
  });
});
