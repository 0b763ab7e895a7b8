import type { Position } from '@asn/contracts';

/**
 * The organisation of Kota Tanjungbalai as the synthetic city knows it: its OPD (dinas, badan, the
 * secretariats, the RSUD, the six kecamatan and some kelurahan), each with its managerial posts, the
 * functional families (JF) its staff hold, its pelaksana titles, and its share of the city's staff.
 */

export type Sector = 'education' | 'health' | 'general' | 'territorial';
export type Track = 'keahlian' | 'keterampilan' | 'pelaksana';

export interface OpdTemplate {
  code: string;
  name: string;
  /** The name before the 2017 reorganisation (PP 18/2016), when it changed. */
  formerName?: string;
  /** The kecamatan of a kelurahan. */
  parentCode?: string;
  sector: Sector;
  /** Share of the city's staff, relative to the other units. */
  weight: number;
  /** Managerial posts, highest first; each has one holder at a time. */
  managerial: readonly (Extract<Position, { kind: 'managerial' }> & { quota?: number })[];
  /** Functional families (JF) of the expert track, e.g. "Guru" for Guru Ahli Pertama … Ahli Madya. */
  keahlian: readonly string[];
  /** Functional families of the skilled track, e.g. "Perawat" for Perawat Terampil … Penyelia. */
  keterampilan: readonly string[];
  pelaksana: readonly string[];
  /** Where the staff of a large unit work (schools, puskesmas, installations): named in their position titles. */
  placements?: readonly string[];
}

export const KEAHLIAN_LEVELS = [
  ['ahli-pertama', 'Ahli Pertama'],
  ['ahli-muda', 'Ahli Muda'],
  ['ahli-madya', 'Ahli Madya'],
] as const;
export const KETERAMPILAN_LEVELS = [
  ['terampil', 'Terampil'],
  ['mahir', 'Mahir'],
  ['penyelia', 'Penyelia'],
] as const;

/** Families only women hold. */
export const FEMALE_ONLY_FAMILIES: ReadonlySet<string> = new Set(['Bidan']);

const PELAKSANA = ['Pengadministrasi Umum', 'Pengelola Keuangan', 'Pengadministrasi Kepegawaian', 'Pengemudi'] as const;

const head = (title: string, level: 'jpt-pratama' | 'administrator' | 'pengawas' = 'jpt-pratama') => ({
  kind: 'managerial' as const,
  level,
  title,
});
const admin = (title: string) => ({ kind: 'managerial' as const, level: 'administrator' as const, title });
const supervisor = (title: string) => ({ kind: 'managerial' as const, level: 'pengawas' as const, title });

const dinas = (
  code: string,
  name: string,
  options: {
    bidang: readonly [string, string];
    keahlian: readonly string[];
    keterampilan: readonly string[];
    weight: number;
    formerName?: string;
    sector?: Sector;
    placements?: readonly string[];
  },
): OpdTemplate => ({
  code,
  name,
  ...(options.formerName ? { formerName: options.formerName } : {}),
  sector: options.sector ?? 'general',
  weight: options.weight,
  managerial: [
    head(`Kepala ${name}`),
    admin(`Sekretaris ${name}`),
    admin(`Kepala Bidang ${options.bidang[0]}`),
    admin(`Kepala Bidang ${options.bidang[1]}`),
    supervisor('Kepala Subbagian Umum dan Kepegawaian'),
    supervisor('Kepala Subbagian Keuangan'),
  ],
  keahlian: options.keahlian,
  keterampilan: options.keterampilan,
  pelaksana: PELAKSANA,
  ...(options.placements ? { placements: options.placements } : {}),
});

const kecamatan = (code: string, name: string): OpdTemplate => ({
  code,
  name: `Kecamatan ${name}`,
  sector: 'territorial',
  weight: 1.2,
  managerial: [
    head(`Camat ${name}`, 'administrator'),
    admin(`Sekretaris Kecamatan ${name}`),
    supervisor('Kepala Seksi Pemerintahan'),
    supervisor('Kepala Seksi Ketenteraman dan Ketertiban Umum'),
  ],
  keahlian: ['Analis Kebijakan'],
  keterampilan: ['Arsiparis'],
  pelaksana: ['Pengadministrasi Umum', 'Pengelola Data Kependudukan', 'Pengemudi'],
});

const kelurahan = (code: string, name: string, parentCode: string): OpdTemplate => ({
  code,
  name: `Kelurahan ${name}`,
  parentCode,
  sector: 'territorial',
  weight: 0.45,
  managerial: [
    head(`Lurah ${name}`, 'pengawas'),
    supervisor(`Sekretaris Kelurahan ${name}`),
    supervisor('Kepala Seksi Pemerintahan dan Pelayanan Umum'),
  ],
  keahlian: ['Analis Kebijakan'],
  keterampilan: ['Arsiparis'],
  pelaksana: ['Pengadministrasi Umum', 'Pengelola Layanan Kelurahan'],
});

const SCHOOLS = [
  'SD Negeri 132401',
  'SD Negeri 132404',
  'SD Negeri 132407',
  'SD Negeri 132411',
  'SD Negeri 132418',
  'SD Negeri 132425',
  'SD Negeri 132436',
  'SD Negeri 138405',
  'SD Negeri 138419',
  'SMP Negeri 1 Tanjungbalai',
  'SMP Negeri 2 Tanjungbalai',
  'SMP Negeri 3 Tanjungbalai',
  'SMP Negeri 4 Tanjungbalai',
  'SMP Negeri 6 Tanjungbalai',
  'SMP Negeri 8 Tanjungbalai',
  'SMP Negeri 10 Tanjungbalai',
] as const;
const PUSKESMAS = [
  'Puskesmas Sei Tualang Raso',
  'Puskesmas Teluk Nibung',
  'Puskesmas Datuk Bandar',
  'Puskesmas Datuk Bandar Timur',
  'Puskesmas Pantai Burung',
  'Puskesmas Perwira',
  'Puskesmas Sirantau',
  'Puskesmas Semula Jadi',
  'Puskesmas Bagan Asahan',
] as const;
const INSTALASI = [
  'Instalasi Gawat Darurat',
  'Instalasi Rawat Inap',
  'Instalasi Rawat Jalan',
  'Instalasi Bedah Sentral',
  'Instalasi Perawatan Intensif',
  'Instalasi Laboratorium',
  'Instalasi Farmasi',
] as const;

/** Every unit the city knows, the 30 of the default city first; kecamatan come before their kelurahan. */
export const OPD_CATALOGUE: readonly OpdTemplate[] = [
  {
    code: 'SETDA',
    name: 'Sekretariat Daerah',
    sector: 'general',
    weight: 4,
    managerial: [
      head('Sekretaris Daerah'),
      head('Asisten Pemerintahan dan Kesejahteraan Rakyat'),
      admin('Kepala Bagian Organisasi'),
      admin('Kepala Bagian Hukum'),
      supervisor('Kepala Subbagian Tata Usaha Pimpinan'),
      supervisor('Kepala Subbagian Kelembagaan dan Analisis Jabatan'),
    ],
    keahlian: ['Analis Kebijakan', 'Perancang Peraturan Perundang-undangan'],
    keterampilan: ['Arsiparis'],
    pelaksana: ['Pengadministrasi Umum', 'Pengelola Keuangan', 'Pengemudi', 'Pramu Bakti'],
  },
  {
    code: 'SETWAN',
    name: 'Sekretariat DPRD',
    sector: 'general',
    weight: 1.6,
    managerial: [
      head('Sekretaris DPRD'),
      admin('Kepala Bagian Umum dan Keuangan'),
      admin('Kepala Bagian Persidangan dan Perundang-undangan'),
      supervisor('Kepala Subbagian Humas dan Protokol'),
    ],
    keahlian: ['Analis Kebijakan'],
    keterampilan: ['Arsiparis'],
    pelaksana: PELAKSANA,
  },
  {
    code: 'INSPEKTORAT',
    name: 'Inspektorat',
    sector: 'general',
    weight: 1.6,
    managerial: [
      head('Inspektur'),
      admin('Sekretaris Inspektorat'),
      admin('Inspektur Pembantu Wilayah I'),
      admin('Inspektur Pembantu Wilayah II'),
      supervisor('Kepala Subbagian Umum dan Kepegawaian'),
    ],
    keahlian: ['Auditor', 'Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah'],
    keterampilan: ['Auditor'],
    pelaksana: PELAKSANA,
  },
  dinas('BAPPEDA', 'Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah', {
    formerName: 'Badan Perencanaan Pembangunan Daerah',
    bidang: ['Perencanaan Pemerintahan dan Pembangunan Manusia', 'Riset dan Inovasi Daerah'],
    keahlian: ['Perencana'],
    keterampilan: ['Statistisi'],
    weight: 1.4,
  }),
  dinas('BKPSDM', 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia', {
    formerName: 'Badan Kepegawaian Daerah',
    bidang: ['Mutasi dan Promosi', 'Pengembangan Kompetensi Aparatur'],
    keahlian: ['Analis Sumber Daya Manusia Aparatur', 'Asesor Sumber Daya Manusia Aparatur'],
    keterampilan: ['Pranata Sumber Daya Manusia Aparatur'],
    weight: 1.6,
  }),
  dinas('BPKPD', 'Badan Pengelolaan Keuangan dan Pendapatan Daerah', {
    formerName: 'Dinas Pendapatan, Pengelolaan Keuangan dan Aset Daerah',
    bidang: ['Anggaran', 'Pendapatan Daerah'],
    keahlian: ['Analis Keuangan Pusat dan Daerah'],
    keterampilan: ['Pranata Keuangan APBN'],
    weight: 2.2,
  }),
  dinas('DISDIK', 'Dinas Pendidikan', {
    bidang: ['Pembinaan Sekolah Dasar', 'Pembinaan Sekolah Menengah Pertama'],
    keahlian: ['Guru'],
    keterampilan: ['Pranata Laboratorium Pendidikan'],
    weight: 120,
    sector: 'education',
    placements: SCHOOLS,
  }),
  dinas('DINKES', 'Dinas Kesehatan', {
    bidang: ['Pelayanan Kesehatan', 'Kesehatan Masyarakat'],
    keahlian: ['Dokter', 'Epidemiolog Kesehatan'],
    keterampilan: ['Bidan', 'Perawat', 'Sanitarian'],
    weight: 30,
    sector: 'health',
    placements: PUSKESMAS,
  }),
  {
    code: 'RSUD',
    name: 'RSUD Dr. Tengku Mansyur',
    sector: 'health',
    weight: 28,
    managerial: [
      head('Direktur RSUD Dr. Tengku Mansyur', 'administrator'),
      admin('Kepala Bagian Tata Usaha'),
      admin('Kepala Bidang Pelayanan Medik'),
      admin('Kepala Bidang Keperawatan'),
      supervisor('Kepala Seksi Pelayanan Medik'),
      supervisor('Kepala Subbagian Kepegawaian'),
    ],
    keahlian: ['Dokter', 'Perawat', 'Apoteker'],
    keterampilan: ['Perawat', 'Bidan', 'Perekam Medis', 'Radiografer'],
    pelaksana: ['Pengadministrasi Umum', 'Pengelola Keuangan', 'Pengemudi Ambulans', 'Pengelola Rekam Medis'],
    placements: INSTALASI,
  },
  dinas('DPUPR', 'Dinas Pekerjaan Umum dan Penataan Ruang', {
    bidang: ['Bina Marga', 'Sumber Daya Air'],
    keahlian: ['Teknik Jalan dan Jembatan'],
    keterampilan: ['Teknik Pengairan'],
    weight: 3,
  }),
  {
    code: 'SATPOLPP',
    name: 'Satuan Polisi Pamong Praja',
    sector: 'general',
    weight: 5,
    managerial: [
      head('Kepala Satuan Polisi Pamong Praja'),
      admin('Sekretaris Satuan Polisi Pamong Praja'),
      admin('Kepala Bidang Penegakan Peraturan Daerah'),
      admin('Kepala Bidang Ketenteraman dan Ketertiban Umum'),
      supervisor('Kepala Seksi Operasi dan Pengendalian'),
    ],
    keahlian: ['Polisi Pamong Praja'],
    keterampilan: ['Polisi Pamong Praja'],
    pelaksana: ['Pengadministrasi Umum', 'Pengemudi', 'Petugas Ketertiban'],
  },
  dinas('DINSOS', 'Dinas Sosial', {
    bidang: ['Rehabilitasi Sosial', 'Perlindungan dan Jaminan Sosial'],
    keahlian: ['Pekerja Sosial'],
    keterampilan: ['Pekerja Sosial'],
    weight: 1.6,
  }),
  dinas('DISDUKCAPIL', 'Dinas Kependudukan dan Pencatatan Sipil', {
    bidang: ['Pelayanan Pendaftaran Penduduk', 'Pelayanan Pencatatan Sipil'],
    keahlian: ['Administrator Database Kependudukan'],
    keterampilan: ['Administrator Database Kependudukan'],
    weight: 1.8,
  }),
  dinas('DISHUB', 'Dinas Perhubungan', {
    bidang: ['Lalu Lintas dan Angkutan', 'Perhubungan Laut'],
    keahlian: ['Penguji Kendaraan Bermotor'],
    keterampilan: ['Penguji Kendaraan Bermotor'],
    weight: 2.2,
  }),
  dinas('DISKOMINFO', 'Dinas Komunikasi dan Informatika', {
    formerName: 'Kantor Komunikasi dan Informatika',
    bidang: ['Aplikasi Informatika', 'Informasi dan Komunikasi Publik'],
    keahlian: ['Pranata Komputer', 'Pranata Hubungan Masyarakat'],
    keterampilan: ['Pranata Komputer'],
    weight: 1.4,
  }),
  dinas('DLH', 'Dinas Lingkungan Hidup', {
    formerName: 'Kantor Lingkungan Hidup',
    bidang: ['Pengelolaan Sampah', 'Pengendalian Pencemaran Lingkungan'],
    keahlian: ['Pengendali Dampak Lingkungan'],
    keterampilan: ['Arsiparis'],
    weight: 3,
  }),
  dinas('DISKAN', 'Dinas Perikanan', {
    bidang: ['Perikanan Tangkap', 'Perikanan Budidaya'],
    keahlian: ['Penyuluh Perikanan'],
    keterampilan: ['Penyuluh Perikanan'],
    weight: 1.4,
  }),
  dinas('DISTANKP', 'Dinas Pertanian dan Ketahanan Pangan', {
    bidang: ['Tanaman Pangan dan Hortikultura', 'Ketahanan Pangan'],
    keahlian: ['Penyuluh Pertanian'],
    keterampilan: ['Penyuluh Pertanian'],
    weight: 1.4,
  }),
  dinas('DPMPTSP', 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu', {
    formerName: 'Kantor Pelayanan Perizinan Terpadu',
    bidang: ['Pelayanan Perizinan', 'Penanaman Modal'],
    keahlian: ['Analis Kebijakan'],
    keterampilan: ['Arsiparis'],
    weight: 1.2,
  }),
  dinas('BPBD', 'Badan Penanggulangan Bencana Daerah', {
    bidang: ['Pencegahan dan Kesiapsiagaan', 'Kedaruratan dan Logistik'],
    keahlian: ['Penata Penanggulangan Bencana'],
    keterampilan: ['Arsiparis'],
    weight: 1.2,
  }),
  kecamatan('KEC-DB', 'Datuk Bandar'),
  kecamatan('KEC-DBT', 'Datuk Bandar Timur'),
  kecamatan('KEC-TBS', 'Tanjungbalai Selatan'),
  kecamatan('KEC-TBU', 'Tanjungbalai Utara'),
  kecamatan('KEC-STR', 'Sei Tualang Raso'),
  kecamatan('KEC-TN', 'Teluk Nibung'),
  kelurahan('KEL-PAHANG', 'Pahang', 'KEC-DB'),
  kelurahan('KEL-SIRANTAU', 'Sirantau', 'KEC-DB'),
  kelurahan('KEL-PERWIRA', 'Perwira', 'KEC-TBS'),
  kelurahan('KEL-PASARBARU', 'Pasar Baru', 'KEC-STR'),
  // Beyond the default 30.
  dinas('DISPERKIM', 'Dinas Perumahan dan Kawasan Permukiman', {
    bidang: ['Perumahan', 'Kawasan Permukiman'],
    keahlian: ['Teknik Tata Bangunan dan Perumahan'],
    keterampilan: ['Teknik Tata Bangunan dan Perumahan'],
    weight: 1.2,
  }),
  dinas('DISNAKER', 'Dinas Tenaga Kerja', {
    bidang: ['Penempatan Tenaga Kerja', 'Hubungan Industrial'],
    keahlian: ['Mediator Hubungan Industrial'],
    keterampilan: ['Pengantar Kerja'],
    weight: 1,
  }),
  dinas('DPPPA', 'Dinas Pemberdayaan Perempuan dan Perlindungan Anak', {
    bidang: ['Perlindungan Perempuan', 'Pemenuhan Hak Anak'],
    keahlian: ['Analis Kebijakan'],
    keterampilan: ['Arsiparis'],
    weight: 1,
  }),
  dinas('DPPKB', 'Dinas Pengendalian Penduduk dan Keluarga Berencana', {
    bidang: ['Keluarga Berencana', 'Pengendalian Penduduk'],
    keahlian: ['Penyuluh Keluarga Berencana'],
    keterampilan: ['Penyuluh Keluarga Berencana'],
    weight: 1.4,
  }),
  dinas('DISPORAPAR', 'Dinas Pemuda, Olahraga dan Pariwisata', {
    bidang: ['Kepemudaan dan Olahraga', 'Pariwisata'],
    keahlian: ['Adyatama Kepariwisataan dan Ekonomi Kreatif'],
    keterampilan: ['Pranata Hubungan Masyarakat'],
    weight: 1,
  }),
  dinas('DISPUSIP', 'Dinas Perpustakaan dan Kearsipan', {
    formerName: 'Kantor Perpustakaan dan Arsip Daerah',
    bidang: ['Perpustakaan', 'Kearsipan'],
    keahlian: ['Pustakawan', 'Arsiparis'],
    keterampilan: ['Pustakawan', 'Arsiparis'],
    weight: 1,
  }),
  dinas('DISKOPERINDAG', 'Dinas Koperasi, Usaha Kecil dan Menengah, Perindustrian dan Perdagangan', {
    bidang: ['Koperasi dan Usaha Mikro', 'Perdagangan'],
    keahlian: ['Pengawas Koperasi'],
    keterampilan: ['Penera'],
    weight: 1.2,
  }),
  dinas('KESBANGPOL', 'Badan Kesatuan Bangsa dan Politik', {
    bidang: ['Ideologi dan Wawasan Kebangsaan', 'Politik Dalam Negeri'],
    keahlian: ['Analis Kebijakan'],
    keterampilan: ['Arsiparis'],
    weight: 0.8,
  }),
  kelurahan('KEL-GADING', 'Gading', 'KEC-DB'),
  kelurahan('KEL-PANTAIJOHOR', 'Pantai Johor', 'KEC-DB'),
  kelurahan('KEL-BUNGATANJUNG', 'Bunga Tanjung', 'KEC-DBT'),
  kelurahan('KEL-PULAUSIMARDAN', 'Pulau Simardan', 'KEC-DBT'),
  kelurahan('KEL-SELATLANCANG', 'Selat Lancang', 'KEC-DBT'),
  kelurahan('KEL-INDRASAKTI', 'Indra Sakti', 'KEC-TBS'),
  kelurahan('KEL-MATAHALASAN', 'Matahalasan', 'KEC-TBU'),
  kelurahan('KEL-KUALASILO', 'Kuala Silo Bestari', 'KEC-TBU'),
  kelurahan('KEL-MUARASENTOSA', 'Muara Sentosa', 'KEC-STR'),
  kelurahan('KEL-KERAMATKUBAH', 'Keramat Kubah', 'KEC-STR'),
  kelurahan('KEL-PERJUANGAN', 'Perjuangan', 'KEC-TN'),
  kelurahan('KEL-PEMATANGPASIR', 'Pematang Pasir', 'KEC-TN'),
  kelurahan('KEL-KAPIAS', 'Kapias Pulau Buaya', 'KEC-TN'),
];
